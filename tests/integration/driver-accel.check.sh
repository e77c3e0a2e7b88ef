#!/bin/sh
# Every VF created three contexts in its own partition, rang their doorbells, destroyed them.
set -e
for n in 1 2 3 4; do
    [ "$(grep -c "VF$n: hardware context [0-9]* in partition 0x${n}0001" "$1")" -eq 3 ] ||
        { echo "VF$n: not 3 contexts in its partition"; exit 1; }
    [ "$(grep -c "VF$n doorbell at BAR2+0x1[0-2]000 rung with 0 (context" "$1")" -eq 3 ] ||
        { echo "VF$n: doorbells"; exit 1; }
    [ "$(grep -c "VF$n -> DESTROY_HW_CONTEXT status 0" "$1")" -eq 3 ] ||
        { echo "VF$n: destroys"; exit 1; }
done
