# A VF's FLR through sysfs `reset` leaves it working. The 7.3.4 driver has no reset hooks
# (docs/driver/amdxdna-7.3.4.md section 8), so the VF is unbound around the reset and bound
# again: the firmware has reset the VF's state and republished its mailbox, and the new probe
# and the accel test succeed. The other VF is untouched.
aie4sim-setup-vfs 2
vf1=$(vf_bdf 1)
vf2=$(vf_bdf 2)
aie4sim-accel-test $vf1 --contexts 1 || fail "VF1 before the reset"
check "VF1 offers FLR" grep -q flr $SYS/$vf1/reset_method
echo $vf1 > /sys/bus/pci/drivers/amdxdna/unbind
echo 1 > $SYS/$vf1/reset
echo "ok: VF1 function level reset done"
echo $vf1 > /sys/bus/pci/drivers/amdxdna/bind
check "VF1 bound again" [ "$(basename "$(readlink $SYS/$vf1/driver)")" = amdxdna ]
region=$(sed -n 's/.*aie4sim\.carveout=\([^ ]*\).*/\1/p' /proc/cmdline)
printf '0x%x@0x%x\n' $(( ${region%@*} / 2 )) $(( ${region#*@} )) > /sys/kernel/debug/accel/$vf1/carveout
aie4sim-accel-test $vf1 --contexts 2 || fail "VF1 after its reset"
aie4sim-accel-test $vf2 --contexts 1 || fail "VF2 after VF1's reset"
no_driver_problems "a VF reset"
