#!/bin/sh
# CREATE_VFS first, then each VF's own probe: TILE_INFO and a partition.
set -e
create=$(grep -n 'PF: CREATE_VFS: 4 VF firmware instances running' "$1" | head -1 | cut -d: -f1)
[ -n "$create" ] || { echo "no CREATE_VFS"; exit 1; }
for n in 1 2 3 4; do
    tile=$(grep -n "VF$n -> AIE_TILE_INFO status 0" "$1" | head -1 | cut -d: -f1)
    part=$(grep -n "VF$n: partition 0x${n}0001 = columns 0..2" "$1" | head -1 | cut -d: -f1)
    [ -n "$tile" ] && [ -n "$part" ] || { echo "VF$n: no tile info or partition"; exit 1; }
    [ "$tile" -gt "$create" ] && [ "$part" -gt "$tile" ] || { echo "VF$n: out of order"; exit 1; }
done
