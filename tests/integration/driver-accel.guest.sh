# The test program on every VF: open /dev/accel/accelN (carveout), AIE metadata, buffer
# objects, hardware contexts with user-mode queues, doorbells, clean destruction.
aie4sim-setup-vfs 4
for n in 1 2 3 4; do
    vf=$(vf_bdf $n)
    aie4sim-accel-test $vf --contexts 3 || fail "the accel test on VF$n"
done
no_driver_problems "the accel tests"
