#!/usr/bin/env bash
# Every C and C++ source of the project is formatted as .clang-format says (clang-format's own
# --dry-run --Werror lists each place that is not).
#   check-format.sh <source root>
set -euo pipefail
cd "$1"
mapfile -t files < <(find common pcie sriov aie_tiles testbench models trace cosim apps tests benchmarks \
    -type f \( -name '*.cpp' -o -name '*.h' -o -name '*.c' \) | sort)
[ ${#files[@]} -gt 100 ] || { echo "FAIL: only ${#files[@]} sources found under $1" >&2; exit 1; }
clang-format --dry-run --Werror "${files[@]}"
echo "PASS: ${#files[@]} sources formatted"
