# The most VFs a bus allows: with TotalVFs 255 (driver-255vf.json) every one of the 255 VFs
# binds to amdxdna and gets its accel node. The launcher's default vCPU count must give the
# guest enough interrupt vectors for that: with one vCPU only 193 VFs bound.
modprobe amdxdna
echo 255 > $SYS/$PF/sriov_numvfs
bound=0
for vf in $SYS/$PF/virtfn*; do
    [ "$(basename "$(readlink "$vf/driver")")" = amdxdna ] && bound=$((bound + 1))
done
echo "CPUs: $(grep -c ^processor /proc/cpuinfo); VFs bound to amdxdna: $bound of $(ls -d $SYS/$PF/virtfn* | wc -l)"
check "all 255 VFs bound to amdxdna" [ "$bound" -eq 255 ]
check "256 accel nodes" [ "$(ls /dev/accel | wc -l)" -eq 256 ]
