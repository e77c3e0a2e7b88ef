# What a user did: VF1 is reset through sysfs while VFs 2-4 run GEMMs. The firmware republishes
# VF1's mailbox after its FLR; the driver waits for that for one second of its own clock, and
# in free time mode the other VFs' long commands hold the model's simulated time back, so the
# re-probe failed with -110. It must succeed, and every GEMM must still verify.
aie4sim-setup-vfs 4 >/dev/null
vf1=$(vf_bdf 1)
for n in 2 3 4; do
    aie4sim-accel-test $(vf_bdf $n) gemm 512 512 512 --seed $n --repeat 6 > /tmp/vf$n.txt 2>&1 &
done
# Let the GEMMs reach the array (the program builds its workload and buffers first).
sleep 4
echo $vf1 > /sys/bus/pci/drivers/amdxdna/unbind
echo 1 > $SYS/$vf1/reset
echo "ok: VF1 function level reset done while VFs 2-4 compute"
echo $vf1 > /sys/bus/pci/drivers/amdxdna/bind 2>/tmp/bind.err || cat /tmp/bind.err
check "VF1 bound again during the other VFs' work" \
    [ "$(basename "$(readlink $SYS/$vf1/driver)")" = amdxdna ]
wait
for n in 2 3 4; do
    cat /tmp/vf$n.txt
    check "VF$n's GEMMs verified" grep -q '^gemm 512x512x512 int8 on .*: verified;' /tmp/vf$n.txt
done
region=$(sed -n 's/.*aie4sim\.carveout=\([^ ]*\).*/\1/p' /proc/cmdline)
printf '0x%x@0x%x\n' $(( ${region%@*} / 4 )) $(( ${region#*@} )) > /sys/kernel/debug/accel/$vf1/carveout
aie4sim-accel-test $vf1 --contexts 1 || fail "VF1 after its reset"
no_driver_problems "a VF reset while other VFs compute"
