#!/bin/sh
# Each VF's partition destroyed on its own mailbox before DESTROY_VFS, then the PF's teardown.
set -e
destroy=$(grep -n 'PF: DESTROY_VFS: 4 VF instances stopped' "$1" | cut -d: -f1)
[ -n "$destroy" ] || { echo "no DESTROY_VFS"; exit 1; }
for n in 1 2 3 4; do
    line=$(grep -n "VF$n -> DESTROY_PARTITION status 0" "$1" | cut -d: -f1)
    [ -n "$line" ] && [ "$line" -lt "$destroy" ] || { echo "VF$n partition not destroyed first"; exit 1; }
done
for line in 'PF: SUSPEND' 'PSP: RELEASE_TMR: firmware stopped' 'aie4.endpoint.pf: mailbox withdrawn'; do
    grep -q "$line" "$1" || { echo "missing: $line"; exit 1; }
done
[ "$(tail -n 5 "$1" | grep -c 'SMU: POWER_OFF')" -ge 1 ] || grep -q 'SMU: POWER_OFF' "$1"
