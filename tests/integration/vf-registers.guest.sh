# A guest program writes and reads a register of each VF through its BAR (sysfs resource0):
# the test block's scratch register, and its function register, which names the VF the access
# reached. The model's log must show each access arriving at that VF (vf-registers.check.sh).
modprobe pci-pf-stub
bind_driver $PF pci-pf-stub
echo 4 > $SYS/$PF/sriov_numvfs
for n in 1 2 3 4; do
    vf=$(vf_bdf $n)
    aie4sim-mmio $SYS/$vf/resource0 0xF004 0x5EED000$n
    value=$(aie4sim-mmio $SYS/$vf/resource0 0xF004)
    check "VF$n scratch round trip ($value)" [ "$value" = 0x5eed000$n ]
    fn=$(aie4sim-mmio $SYS/$vf/resource0 0xF008)
    check "VF$n BAR0 reaches function $n ($fn)" [ $(( fn )) -eq $n ]
done
check "the PF's test block says function 0" sh -c "[ \$(( \$(aie4sim-mmio $SYS/$PF/resource0 0xF008) )) -eq 0 ]"
echo 0 > $SYS/$PF/sriov_numvfs
