# An XRT program killed mid-run: VF1 runs 1024^3 GEMMs in a loop through Debian's XRT (each
# about a third of a second of the model's wall time; results not checked, so the guest's CPU
# stays out of the way) while VF2..VF4 run and check theirs. While VF1's third command is on
# the device, its program is killed with SIGKILL (no clean-up of its own). The driver tears
# its hardware context down when the process's file is closed, the other VFs' results are
# still right, and VF1 takes new programs and verifies them.
aie4sim-setup-vfs 4 >/dev/null
W=/opt/aie4sim/workloads
V1=$(vf_bdf 1)
aie4sim-xrt-gemm "$V1" $W/gemm-int8-1024.json --runs 100000 --no-check --progress > /tmp/victim.txt 2>&1 &
victim=$!
for n in 2 3 4; do
    aie4sim-xrt-gemm "$(vf_bdf $n)" $W/gemm-int8.json --runs 4 --seed $n > /tmp/vf$n.txt 2>&1 &
done
# Wait until VF1's third run has started (at most 5 minutes), then kill it while it runs.
i=0
until grep -q '^run 2 started' /tmp/victim.txt; do
    kill -0 $victim 2>/dev/null || { cat /tmp/victim.txt; fail "VF1's program ended before it was killed"; }
    i=$((i + 1)); [ $i -lt 3000 ] || fail "VF1's program did not start its third run in 5 minutes"
    sleep 0.1
done
sleep 0.1
kill -KILL $victim
set +e; wait $victim; status=$?; set -e
check "VF1's program was killed (status 137)" test "$status" = 137
cat /tmp/victim.txt
wait
for n in 2 3 4; do
    cat /tmp/vf$n.txt
    check "VF$n unaffected: 4 runs verified" grep -q "^gemm 192x256x160 int8 on $(vf_bdf $n) .*: verified; 4 runs" /tmp/vf$n.txt
done
echo "AIE4SIM-TEST: VF1 again"
aie4sim-xrt-gemm "$V1" $W/gemm-int8.json --runs 2 --seed 9 | tee /tmp/again.txt
check "VF1 works again" grep -q "^gemm 192x256x160 int8 on $V1 .*: verified; 2 runs" /tmp/again.txt
aie4sim-xrt-copy "$V1" $W/copy-1col.json | tee -a /tmp/again.txt
check "VF1 moves data again" grep -q "^copy 65536 bytes on $V1 .*: verified" /tmp/again.txt
no_driver_problems "an XRT program killed mid-run"
