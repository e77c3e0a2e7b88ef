# XRT programs on every VF at once: each of the four VFs runs the data movement and then the
# int8 GEMM through Debian's XRT, all four VFs concurrently; every result is checked.
aie4sim-setup-vfs 4 >/dev/null
W=/opt/aie4sim/workloads
for n in 1 2 3 4; do
    ( aie4sim-xrt-copy "$(vf_bdf $n)" $W/copy-3col.json --seed $n &&
      aie4sim-xrt-gemm "$(vf_bdf $n)" $W/gemm-int8.json --seed $n --runs 2 ) > /tmp/vf$n.txt 2>&1 &
done
wait
for n in 1 2 3 4; do
    cat /tmp/vf$n.txt
    check "VF$n: copy verified" grep -q "^copy 262144 bytes on $(vf_bdf $n) .*: verified" /tmp/vf$n.txt
    check "VF$n: GEMM verified twice" grep -q "^gemm 192x256x160 int8 on $(vf_bdf $n) .*: verified; 2 runs" /tmp/vf$n.txt
done
no_driver_problems "XRT programs on four VFs at once"
