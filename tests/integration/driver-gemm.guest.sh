# A test program submits GEMMs on a VF through its user-mode queue (the real driver's UAPI)
# and verifies each result against the CPU reference: int8 bit-exact, bf16 within the fp32
# bound, shapes that divide and shapes that do not.
aie4sim-setup-vfs 2 >/dev/null
vf=$(vf_bdf 1)
aie4sim-accel-test $vf gemm 256 256 256 --seed 11 | tee /tmp/g1.txt
aie4sim-accel-test $vf gemm 100 70 130 --seed 12 | tee -a /tmp/g1.txt
aie4sim-accel-test $vf gemm 48 96 40 --type bf16 --seed 13 | tee -a /tmp/g1.txt
aie4sim-accel-test $(vf_bdf 2) gemm 64 64 64 --repeat 3 --seed 14 | tee -a /tmp/g1.txt
check "four GEMM runs verified" [ "$(grep -c '^gemm .*: verified;' /tmp/g1.txt)" -eq 4 ]
no_driver_problems "GEMMs"
