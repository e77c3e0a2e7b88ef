# After use, echo 0 > sriov_numvfs and rmmod amdxdna are clean.
aie4sim-setup-vfs 4
aie4sim-accel-test $(vf_bdf 2) --contexts 2 || fail "the accel test"
echo 0 > $SYS/$PF/sriov_numvfs
check "the VFs are gone" sh -c "! lspci -n | grep -q 1022:17f3"
rmmod amdxdna
check "amdxdna unloaded" sh -c "! grep -q '^amdxdna ' /proc/modules"
no_driver_problems "disabling SR-IOV and rmmod"
