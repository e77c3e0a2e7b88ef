#!/bin/sh
# The killed program's context (VF1 context 1) had its third command on the device when it was
# destroyed: started, never completed. VF1 then ran two new contexts' commands, and VF2..VF4
# all four of theirs.
set -e
log=$1
started=$(grep -n "VF1 context 1: command 2: type" "$log" | head -n1 | cut -d: -f1)
destroyed=$(grep -n "VF1: hardware context 1 destroyed" "$log" | head -n1 | cut -d: -f1)
[ -n "$started" ] || { echo "VF1's third command never reached the model"; exit 1; }
[ -n "$destroyed" ] || { echo "VF1's killed context was not destroyed"; exit 1; }
[ "$started" -lt "$destroyed" ] || { echo "VF1's context was destroyed before its third command"; exit 1; }
if grep -q "VF1 context 1: command 2 completed" "$log"; then
    echo "VF1's third command completed: the program was not killed mid-run"; exit 1
fi
grep -q "VF1 context 2: command 1 completed" "$log" || { echo "VF1's new GEMM context did not run"; exit 1; }
grep -q "VF1 context 3: command 0 completed" "$log" || { echo "VF1's new copy context did not run"; exit 1; }
for n in 2 3 4; do
    grep -q "VF$n context 1: command 3 completed" "$log" || { echo "VF$n's runs missing"; exit 1; }
done
