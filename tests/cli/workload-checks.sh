#!/usr/bin/env bash
# Checks of aie4sim-workload: it writes the assembly, the aie4_config JSON, the ELF from the real
# aiebu-asm, the layout file and example data that agree with each other; it prints the control
# code as the model decodes it; and it refuses what it cannot build with a message.
#   workload-checks.sh <aie4sim-workload executable> <case>
set -uo pipefail
tool=$1
case_name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

expect_status() { # expected-status command...
    local want=$1; shift
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    cat "$work/err"
    [ "$got" = "$want" ] || fail "exit status $got, expected $want: $*"
}

case $case_name in
files)
    expect_status 0 "$tool" gemm --m 100 --k 70 --n 130 --out "$work/g" --data 3
    for f in g.asm g.config.json g.elf g.json g.A.bin g.B.bin g.C.expected.bin; do
        [ -s "$work/$f" ] || fail "$f was not written"
    done
    # The ELF is the full aie4_config kind XRT loads: ELF32, OS/ABI 0x4B.
    [ "$(od -An -tx1 -j4 -N1 "$work/g.elf" | tr -d ' ')" = 01 ] || fail "not ELF32"
    [ "$(od -An -tx1 -j7 -N1 "$work/g.elf" | tr -d ' ')" = 4b ] || fail "OS/ABI is not 0x4B"
    grep -q '^\.target aie4$' "$work/g.asm" || fail "no .target aie4 in the assembly"
    grep -q '"ctrl_code_file":"g.asm"' "$work/g.config.json" || fail "config names another file"
    python3 - "$work" <<'PY' || fail "the layout file does not match the files"
import json, os, sys
d = sys.argv[1]
j = json.load(open(os.path.join(d, "g.json")))
assert j["format"] == "aie4sim-workload-layout/1", j["format"]
assert j["spec"] == {"kind": "gemm", "m": 100, "k": 70, "n": 130, "type": "int8"}, j["spec"]
args = j["arguments"]
assert [a["name"] for a in args] == ["A", "B", "C"]
assert args[0]["ld"] == 72 and args[2]["role"] == "output" and args[2]["compare"] == "exact"
for a in args:
    f = a.get("data") or a.get("expected")
    assert os.path.getsize(os.path.join(d, f)) == a["bytes"], (f, a["bytes"])
assert j["data"]["seed"] == 3
PY
    ;;
disassemble)
    expect_status 0 "$tool" copy --bytes 5000 --disassemble --no-elf
    grep -q '^uC 0: 1 page(s)$' "$work/out" || fail "no uC 0 page listing"
    grep -q 'UC_DMA_WRITE_DES_SYNC @' "$work/out" || fail "no uC-DMA in the copy"
    grep -q 'WAIT_TCTS TILE_0_0, SHIM_S2MM_0, 1' "$work/out" || fail "no token wait"
    grep -q 'APPLY_OFFSET_57 @0x[0-9a-f]*, 1, 1' "$work/out" || fail "no patch of argument 1"
    ;;
refused)
    expect_status 1 "$tool" gemm --m 4 --k 5000 --n 4
    grep -q 'K = 5000 is above the limit of 4095' "$work/err" || fail "K limit not named"
    expect_status 1 "$tool" copy --bytes 0
    grep -q 'copy: 1 byte to 1 GiB' "$work/err" || fail "copy size not named"
    AIE4SIM_AIEBU_ASM=/nonexistent/aiebu-asm expect_status 1 "$tool" copy --bytes 64 --out "$work/c"
    grep -q 'cannot run aiebu-asm at /nonexistent/aiebu-asm' "$work/err" || fail "a missing assembler is not reported"
    expect_status 2 "$tool"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
echo "PASS: $case_name"
