# A pure data movement through Debian's XRT, unmodified: aie4sim-xrt-copy opens the VF with
# xrt::device, loads the copy workload's ELF (xrt::elf, made by the real aiebu-asm), creates a
# hardware context and runs the kernel with xrt::run; the bytes go host -> shim -> memory tile
# -> shim -> host. One column (XRT's direct packet) and three (its indirect packet, one uC per
# column); every run's output is compared with its input.
aie4sim-setup-vfs 1 >/dev/null
W=/opt/aie4sim/workloads
V=$(vf_bdf 1)
aie4sim-xrt-copy "$V" $W/copy-1col.json --runs 3 --seed 11 | tee /tmp/c1.txt
check "one column: 3 runs verified" grep -q "^copy 65536 bytes on $V (RyzenAI-npu3-vf): verified; 3 runs" /tmp/c1.txt
aie4sim-xrt-copy "$V" $W/copy-3col.json --runs 2 --seed 12 | tee /tmp/c3.txt
check "three columns: 2 runs verified" grep -q "^copy 262144 bytes on $V (RyzenAI-npu3-vf): verified; 2 runs" /tmp/c3.txt

# A layout that is not the program's kind is refused before anything reaches the device.
set +e
aie4sim-xrt-gemm "$V" $W/copy-1col.json > /tmp/bad.txt 2>&1
status=$?
set -e
cat /tmp/bad.txt
check "the GEMM program refuses a copy layout (status 2)" test "$status" = 2
check "... saying why" grep -q 'is a copy workload, not a gemm' /tmp/bad.txt
no_driver_problems "XRT data movement"
