# What the project's scripts share: progress on stdout, errors on stderr with exit status 1,
# wall-clock timing, and folder arguments made absolute.
# Usage: here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd); source "$here/../lib/common.sh"

msg() { echo "aie4sim: $*"; }
die() { echo "aie4sim: error: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
# absolute_dir DIR: creates DIR if it is missing and prints its absolute path.
absolute_dir() { mkdir -p "$1" && (cd "$1" && pwd); }
