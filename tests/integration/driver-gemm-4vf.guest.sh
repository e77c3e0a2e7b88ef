# All four VFs run GEMMs at the same time; every result is verified.
aie4sim-setup-vfs 4 >/dev/null
for n in 1 2 3 4; do
    aie4sim-accel-test $(vf_bdf $n) gemm 192 256 160 --seed $n > /tmp/vf$n.txt 2>&1 &
done
wait
for n in 1 2 3 4; do
    cat /tmp/vf$n.txt
    check "VF$n's GEMM verified" grep -q '^gemm 192x256x160 int8 on .*: verified;' /tmp/vf$n.txt
done
no_driver_problems "concurrent GEMMs on four VFs"
