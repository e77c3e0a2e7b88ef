# A test program submits GEMMs on a VF through its user-mode queue (the real driver's UAPI,
# no XRT), as XRT's shim would, with control code from the guest's own aiebu-asm, and verifies
# each result against the CPU reference: int8 and bf16, shapes that divide and shapes that do
# not; one run leaves the BD addresses to the uCs (APPLY_OFFSET_57 with an argument list).
aie4sim-setup-vfs 2 >/dev/null
vf=$(vf_bdf 1)
aie4sim-accel-test $vf gemm 256 256 256 --seed 11 | tee /tmp/g1.txt
aie4sim-accel-test $vf gemm 100 70 130 --seed 12 | tee -a /tmp/g1.txt
aie4sim-accel-test $vf gemm 48 96 40 --type bf16 --seed 13 | tee -a /tmp/g1.txt
aie4sim-accel-test $vf gemm 80 64 72 --device-patch --seed 15 | tee -a /tmp/g1.txt
aie4sim-accel-test $(vf_bdf 2) gemm 64 64 64 --repeat 3 --seed 14 | tee -a /tmp/g1.txt
check "five GEMM runs verified" [ "$(grep -c '^gemm .*: verified;' /tmp/g1.txt)" -eq 5 ]
no_driver_problems "GEMMs"
