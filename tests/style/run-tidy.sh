#!/usr/bin/env bash
# clang-tidy (the checks in .clang-tidy, warnings as errors) over every C++ source of the
# project that the build compiles, two at a time; exits non-zero if any finding remains.
#   run-tidy.sh <build directory with compile_commands.json>
set -euo pipefail
build=$1
python3 - "$build/compile_commands.json" >"$build/tidy-files.txt" <<'PY'
import json, sys
seen = sorted({e["file"] for e in json.load(open(sys.argv[1]))
               if e["file"].endswith(".cpp") and "/_deps/" not in e["file"]})
print("\n".join(seen))
PY
jobs=$(nproc)
if xargs -P "$jobs" -n 1 clang-tidy -p "$build" --quiet <"$build/tidy-files.txt" >"$build/tidy.log" 2>&1; then
    echo "clang-tidy: $(wc -l <"$build/tidy-files.txt") sources clean"
else
    grep -E "error:|warning:" "$build/tidy.log" | sort -u
    echo "clang-tidy: findings above (full output in $build/tidy.log)" >&2
    exit 1
fi
