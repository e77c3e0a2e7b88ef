# Under spatial scheduling each VF sees only its slice of columns (spatial-slices.json: 2, 1, 1
# and 2 columns), and `xrt-smi examine` shows each VF's own partition; a one-column XRT copy
# then runs on every VF at once.
aie4sim-setup-vfs 4 >/dev/null
dmesg -n 1
# xrt-smi asks every VF for its firmware versions, which 7.3.4 refuses (docs/xrt.md).
EXPECTED_DRIVER_ERRORS='aie4_get_info: Not supported request parameter (8|14)$'
xrt-smi --batch examine > /tmp/smi.txt
cat /tmp/smi.txt
n=0
for cols in 2 1 1 2; do
    n=$((n + 1))
    check "VF$n's partition is 6x$cols" \
        grep -Eq "^\|\[$(vf_bdf $n)\] +\|RyzenAI-npu3-vf +\|aie4 +\|6x$cols +\|$" /tmp/smi.txt
done
W=/opt/aie4sim/workloads
for n in 1 2 3 4; do
    aie4sim-xrt-copy "$(vf_bdf $n)" $W/copy-1col.json --seed $n > /tmp/vf$n.txt 2>&1 &
done
wait
for n in 1 2 3 4; do
    cat /tmp/vf$n.txt
    check "VF$n: copy verified in its slice" grep -q "^copy 65536 bytes on $(vf_bdf $n) .*: verified" /tmp/vf$n.txt
done
no_driver_problems "XRT on spatial slices"
