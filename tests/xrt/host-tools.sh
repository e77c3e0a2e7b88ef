#!/usr/bin/env bash
# The host wrappers of Debian's aiebu tools work on this (older-glibc) host: aiebu-asm turns a
# job-runner program into an aie4 ELF (OSABI 0x46) and, with a kernel configuration, into the
# full ELF that XRT loads (OSABI 0x4B, .note.xrt.configuration); aiebu-dump disassembles the
# program back, operands included; a bad program is refused with a message.
#   host-tools.sh AIEBU_ASM AIEBU_DUMP
set -uo pipefail
asm=$1 dump=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
osabi() { od -An -tx1 -j7 -N1 "$1" | tr -d ' '; }

cat > "$work/job.asm" <<'ASM'
.target aie4
.aie_row_topology 1-1-4-0
.partition 1column

START_JOB 0
  WRITE_32 0x01a0634, 0x80000000
  MASK_POLL_32 0x18570, 0x1f8003c, 0
END_JOB
.eop
EOF
ASM
cat > "$work/kernel.json" <<'JSON'
{"xrt-kernels": [{"name": "DPU",
  "arguments": [{"name": "in", "type": "char *", "offset": "0x00"},
                {"name": "out", "type": "char *", "offset": "0x08"}],
  "instance": [{"id": "inst0", "ctrl_code_file": "job.asm"}]}]}
JSON

"$asm" -t aie4 -c "$work/job.asm" -o "$work/job.elf" || fail "aiebu-asm -t aie4 failed"
[ "$(osabi "$work/job.elf")" = 46 ] || fail "aie4 ELF has OSABI 0x$(osabi "$work/job.elf"), expected 0x46"
"$dump" -d "$work/job.elf" > "$work/job.dis" 2>&1 || { cat "$work/job.dis"; fail "aiebu-dump -d failed"; }
grep -Eq 'write_32[[:space:]]+0x1A0634, 0x80000000' "$work/job.dis" \
    || { cat "$work/job.dis"; fail "WRITE_32 not disassembled back"; }
grep -Eq 'mask_poll_32[[:space:]]+0x18570, 0x1F8003C, 0' "$work/job.dis" \
    || fail "MASK_POLL_32 not disassembled back"

(cd "$work" && "$asm" -t aie4_config -j kernel.json -o full.elf) || fail "aiebu-asm -t aie4_config failed"
[ "$(osabi "$work/full.elf")" = 4b ] || fail "full ELF has OSABI 0x$(osabi "$work/full.elf"), expected 0x4b"
grep -q '.note.xrt.configuration' "$work/full.elf" || fail "full ELF lacks .note.xrt.configuration"

# A program the assembler must refuse (no EOF): a non-zero status and a message, not a crash.
grep -v '^EOF$' "$work/job.asm" > "$work/bad.asm"
if "$asm" -t aie4 -c "$work/bad.asm" -o "$work/bad.elf" 2>"$work/bad.err" >&2; then
    fail "aiebu-asm accepted a program without EOF"
fi
grep -q 'EOF' "$work/bad.err" || { cat "$work/bad.err"; fail "the refusal does not name the missing EOF"; }
echo "PASS: aiebu-asm and aiebu-dump run on the host"
