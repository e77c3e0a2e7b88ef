# Debian's xrt-smi, unmodified, in the guest: `examine` lists every VF (name, architecture,
# topology from the firmware's tile info) and never the PF (XRT 2.25 skips device_type 2).
# Then every query docs/xrt.md lists as refused by the 7.3.4 driver is issued under the ioctl
# logger, and the test checks that exactly the documented ioctl is refused with EOPNOTSUPP
# (the firmware never sees it) and what xrt-smi makes of that.
aie4sim-setup-vfs 4 >/dev/null
dmesg -n 1
TRACE_LIB=/opt/aie4sim/bin/libaie4sim-ioctl-trace.so
T=/tmp/ioctl.log
# smi EXPECTED_STATUS ARGS...: runs xrt-smi under the logger; output in /tmp/smi.txt, ioctls in $T
smi() {
    want=$1; shift
    rm -f $T
    set +e
    LD_PRELOAD=$TRACE_LIB AIE4SIM_IOCTL_TRACE=$T xrt-smi --batch "$@" > /tmp/smi.txt 2>&1
    got=$?
    set -e
    [ -f $T ] || : > $T
    if [ "$got" != "$want" ]; then cat /tmp/smi.txt $T; fail "xrt-smi $*: status $got, expected $want"; fi
}
traced() { # traced LINE: the ioctl log has this line
    grep -qx -- "$1" $T || { cat /tmp/smi.txt $T; fail "no '$1' in the ioctl log of xrt-smi"; }
}

smi 0 examine
cat /tmp/smi.txt
for n in 1 2 3 4; do
    check "VF$n listed as an aie4 RyzenAI-npu3-vf" \
        grep -Eq "^\|\[$(vf_bdf $n)\] +\|RyzenAI-npu3-vf +\|aie4 +\|6x3 +\|$" /tmp/smi.txt
done
check "four devices, the PF not among them" test "$(grep -c '^|\[0000:' /tmp/smi.txt)" = 4
check "the guest's os-release read" grep -q 'Distribution *: aie4sim guest' /tmp/smi.txt
check "XRT 2.25 against amdxdna 7.3.4" grep -q 'amdxdna Version *: 7.3.4' /tmp/smi.txt
check "AIE_METADATA answered for every VF" test "$(grep -cx 'amdxdna GET_INFO param=1 -> 0' $T)" = 4
traced "amdxdna GET_INFO param=8 -> -1 EOPNOTSUPP"
traced "amdxdna GET_INFO param=14 -> -1 EOPNOTSUPP"

smi 1 examine -d $PF
check "the PF is not an XRT device" grep -q "Specified device BDF '$PF' not found" /tmp/smi.txt

V=$(vf_bdf 1)
smi 0 examine -d "$V" -r aie-partitions
traced "amdxdna GET_ARRAY param=0 -> -1 EOPNOTSUPP"
check "aie-partitions: no contexts reported" grep -q 'No hardware contexts running on device' /tmp/smi.txt

smi 1 examine -d "$V" -r platform
traced "amdxdna GET_INFO param=9 -> -1 EOPNOTSUPP"
check "platform: the refusal reported" grep -q 'GET_INFO IOCTL failed (err=-95)' /tmp/smi.txt

smi 0 examine -d "$V" -r telemetry
traced "amdxdna GET_INFO param=10 -> -1 EOPNOTSUPP"

smi 1 examine -d "$V" -r preemption
traced "amdxdna GET_INFO param=10 -> -1 EOPNOTSUPP"

smi 1 validate -d "$V"
traced "amdxdna GET_INFO param=9 -> -1 EOPNOTSUPP"

smi 1 configure -d "$V" --pmode performance
traced "amdxdna SET_STATE param=0 -> -1 EOPNOTSUPP"
check "configure: the refusal reported" grep -q 'SET_STATE IOCTL failed (err=-95)' /tmp/smi.txt
echo "ok: every refused query is refused by the driver as documented"
