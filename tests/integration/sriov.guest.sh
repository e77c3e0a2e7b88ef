# With pci-pf-stub on the PF, sriov_numvfs creates the VFs at the routing IDs First VF Offset
# and VF Stride give, with their BARs assigned; 0 removes them; more than TotalVFs fails in the
# guest and leaves the model healthy, even when software bypasses the kernel's check.
modprobe pci-pf-stub
bind_driver $PF pci-pf-stub
check "TotalVFs in sysfs" grep -qx 4 $SYS/$PF/sriov_totalvfs
echo 4 > $SYS/$PF/sriov_numvfs
lspci -nn
for n in 1 2 3 4; do
    vf=$(vf_bdf $n)
    check "VF$n at $vf is 1022:17f3 rev 10" sh -c "lspci -nn -s $vf | grep -q '\[1022:17f3\] (rev 10)'"
    check "VF$n is virtfn$((n - 1))" sh -c "[ \$(basename \$(readlink $SYS/$PF/virtfn$((n - 1)))) = $vf ]"
    # resource lines: start end flags; BAR0 and BAR2 assigned (non-zero start), BAR4 absent
    bar0=$(sed -n 1p $SYS/$vf/resource | cut -d' ' -f1)
    bar2=$(sed -n 3p $SYS/$vf/resource | cut -d' ' -f1)
    check "VF$n BAR0 assigned ($bar0)" [ $(( bar0 )) -ne 0 ]
    check "VF$n BAR2 assigned ($bar2)" [ $(( bar2 )) -ne 0 ]
    check "VF$n has no BAR4" sh -c "sed -n 5p $SYS/$vf/resource | grep -q '^0x0000000000000000 0x0000000000000000'"
done
check "lspci decodes Number of VFs 4" sh -c "lspci -vvv -s 01:00.0 | grep -q 'Number of VFs: 4'"
check "VF Enable and VF MSE set" sh -c "lspci -vvv -s 01:00.0 | grep -q 'IOVCtl:	Enable+ .* MSE+'"

echo 0 > $SYS/$PF/sriov_numvfs
check "VFs removed" sh -c "! lspci -n | grep -q 17f3"
check "VF Enable cleared" sh -c "lspci -vvv -s 01:00.0 | grep -q 'IOVCtl:	Enable- .* MSE-'"

if echo 5 > $SYS/$PF/sriov_numvfs 2>/dev/null; then fail "5 VFs (above TotalVFs) were accepted"; fi
echo "ok: writing 5 to sriov_numvfs fails"
# Around the kernel: NumVFs written directly (offset 0x10 in the SR-IOV capability). The model
# refuses values above TotalVFs, as the mirror in QEMU does.
setpci -s 01:00.0 ECAP_SRIOV+0x10.w=0x00c8
check "NumVFs 200 refused by the device" sh -c "[ \$(setpci -s 01:00.0 ECAP_SRIOV+0x10.w) = 0000 ]"
setpci -s 01:00.0 ECAP_SRIOV+0x10.w=0x0003
check "NumVFs 3 accepted by the device" sh -c "[ \$(setpci -s 01:00.0 ECAP_SRIOV+0x10.w) = 0003 ]"
setpci -s 01:00.0 ECAP_SRIOV+0x10.w=0x0000
echo 2 > $SYS/$PF/sriov_numvfs
check "the model is healthy: 2 VFs again" sh -c "[ \$(lspci -n | grep -c 1022:17f3) = 2 ]"
echo 0 > $SYS/$PF/sriov_numvfs
