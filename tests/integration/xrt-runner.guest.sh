# Debian's xrt-runner runs recipes of several runs on a VF, each validated by XRT itself:
# a copy chain (in -> internal buffer -> out, two runs per iteration, three iterations, out
# validated against in) and a GEMM whose inputs and expected output come from the workload
# builder's files (two iterations). A recipe whose result is wrong (the chain's second run left
# out) must fail XRT's validation.
aie4sim-setup-vfs 1 >/dev/null
W=/opt/aie4sim/workloads
cd /tmp
xrt-runner --recipe $W/copy-chain.recipe.json --profile $W/copy-chain.profile.json --dir $W \
    --report /tmp/chain.json
check "copy chain: 3 iterations of 2 runs validated" grep -q '"iterations": 3' /tmp/chain.json
check "copy chain: 2 runs in the recipe" grep -q '"runs": 2' /tmp/chain.json
xrt-runner --recipe $W/gemm.recipe.json --profile $W/gemm.profile.json --dir $W --report /tmp/gemm.json
check "GEMM: 2 iterations validated against the builder's expected output" grep -q '"iterations": 2' /tmp/gemm.json
set +e
xrt-runner --recipe $W/copy-broken.recipe.json --profile $W/copy-chain.profile.json --dir $W > /tmp/broken.txt 2>&1
status=$?
set -e
cat /tmp/broken.txt
check "a wrong result fails XRT's validation" test "$status" != 0
check "... as a mismatch" grep -q 'does not match' /tmp/broken.txt
no_driver_problems "xrt-runner recipes"
