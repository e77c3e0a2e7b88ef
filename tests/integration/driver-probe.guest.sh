# modprobe amdxdna: the real driver from Debian's 7.3.4 kernel probes the PF with no error.
modprobe amdxdna
check "PF bound to amdxdna" [ "$(basename "$(readlink $SYS/$PF/driver)")" = amdxdna ]
check "accel node for the PF" [ -e $SYS/$PF/accel/accel0 ] 
check "board name" grep -qx RyzenAI-npu3-pf $SYS/$PF/vbnv
check "device type PF (2)" grep -qx 2 $SYS/$PF/device_type
check "DRM device initialised" sh -c "dmesg | grep -q 'Initialized amdxdna_accel_driver 0.10.0 for 0000:01:00.0'"
no_driver_problems "PF probe"
dmesg | grep -i amdxdna
