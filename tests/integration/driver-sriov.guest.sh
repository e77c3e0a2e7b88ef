# echo 4 > sriov_numvfs on the PF bound to amdxdna: all 4 VFs bind to amdxdna, four more accel
# nodes appear.
modprobe amdxdna
echo 4 > $SYS/$PF/sriov_numvfs
for n in 1 2 3 4; do
    vf=$(vf_bdf $n)
    check "VF$n ($vf) bound to amdxdna" [ "$(basename "$(readlink $SYS/$vf/driver)")" = amdxdna ]
    check "VF$n board name" grep -qx RyzenAI-npu3-vf $SYS/$vf/vbnv
    check "VF$n has an accel node" sh -c "ls $SYS/$vf/accel | grep -q '^accel[0-9]'"
done
check "five accel nodes" [ "$(ls /dev/accel | wc -l)" -eq 5 ]
no_driver_problems "enabling 4 VFs"
