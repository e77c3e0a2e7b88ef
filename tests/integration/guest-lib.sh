#!/bin/sh
# Shared helpers for the guest test scripts (prepended to each of them).
set -e
PF=0000:01:00.0
SYS=/sys/bus/pci/devices

fail() { echo "GUEST-FAIL: $*"; exit 1; }
check() { # check DESCRIPTION COMMAND...
    what=$1; shift
    if "$@"; then echo "ok: $what"; else fail "$what"; fi
}
# Binds a function to a driver without a matching ID table (driver_override).
bind_driver() { # bind_driver BDF DRIVER
    if [ -e "$SYS/$1/driver" ]; then echo "$1" > "$SYS/$1/driver/unbind"; fi
    echo "$2" > "$SYS/$1/driver_override"
    echo "$1" > /sys/bus/pci/drivers_probe
    [ "$(basename "$(readlink "$SYS/$1/driver")")" = "$2" ] || fail "$1 did not bind to $2"
}
# The BDF of VF n (1-based), from the PF's First VF Offset and VF Stride as lspci decodes them.
vf_bdf() {
    set -- "$1" "$(lspci -s 01:00.0 -vvv | sed -n 's/.*VF offset: \([0-9]*\), stride: \([0-9]*\).*/\1 \2/p')"
    set -- "$1" $2
    devfn=$(( $2 + ($1 - 1) * $3 ))
    printf '0000:01:%02x.%x' $(( devfn >> 3 )) $(( devfn & 7 ))
}
# dmesg lines from amdxdna that report a problem. The driver logs "SVA bind device failed" as
# an error at every open on a platform without SVA (QEMU 7.2 has none) before it falls back to
# the carveout: that one is expected and documented, every other one fails the test, unless it
# matches EXPECTED_DRIVER_ERRORS (an extended regex a test sets for refusals it causes itself).
driver_problems() {
    dmesg | grep -i -E 'amdxdna|accel' | grep -i -E 'error|fail|warn|bug|timeout|invalid' |
        grep -v 'SVA bind device failed' |
        { if [ -n "${EXPECTED_DRIVER_ERRORS:-}" ]; then grep -v -E "$EXPECTED_DRIVER_ERRORS"; else cat; fi; } || true
}
no_driver_problems() { # no_driver_problems STAGE
    p=$(driver_problems)
    if [ -n "$p" ]; then echo "$p"; fail "amdxdna reported problems after $1"; fi
    if dmesg | grep -q -E 'WARNING:|BUG:|Oops'; then dmesg | tail -40; fail "kernel WARN/BUG after $1"; fi
    echo "ok: no driver errors after $1"
}
