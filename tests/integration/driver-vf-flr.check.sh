#!/bin/sh
# The model saw VF1's FLR, reset its firmware state, republished its mailbox, and VF1 probed
# again (a second partition); VF2 kept its first partition.
set -e
flr=$(grep -n 'VF1: function level reset: state cleared' "$1" | cut -d: -f1)
[ -n "$flr" ] || { echo "no VF1 FLR in the model"; exit 1; }
awk -v from="$flr" 'NR > from' "$1" | grep -q 'aie4.endpoint.vf1: mailbox_info published' ||
    { echo "VF1's mailbox not republished after the FLR"; exit 1; }
awk -v from="$flr" 'NR > from' "$1" | grep -q 'VF1: partition 0x10001 = columns 0..2' ||
    { echo "VF1 did not create a partition again"; exit 1; }
! grep -q 'VF2: function level reset' "$1" || { echo "VF2 was reset too"; exit 1; }
