# A GEMM through Debian's XRT on a VF, checked in the program against its own CPU reference:
# int8 (exact) and bf16 (within the fp32 summation bound), each on three columns.
aie4sim-setup-vfs 1 >/dev/null
W=/opt/aie4sim/workloads
V=$(vf_bdf 1)
aie4sim-xrt-gemm "$V" $W/gemm-int8.json --runs 2 --seed 3 | tee /tmp/g8.txt
check "int8 GEMM verified twice" grep -q "^gemm 192x256x160 int8 on $V (RyzenAI-npu3-vf): verified; 2 runs" /tmp/g8.txt
aie4sim-xrt-gemm "$V" $W/gemm-bf16.json --seed 4 | tee /tmp/gb.txt
check "bf16 GEMM verified" grep -q "^gemm 100x70x130 bf16 on $V (RyzenAI-npu3-vf): verified; 1 run," /tmp/gb.txt
no_driver_problems "XRT GEMMs"
