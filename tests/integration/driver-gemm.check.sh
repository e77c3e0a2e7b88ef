#!/bin/sh
# The commands ran in the model's command processor, on each VF's own context.
set -e
[ "$(grep -c 'VF1 context [0-9]*: command 0 completed' "$1")" -eq 4 ] || { echo "VF1: not 4 commands"; exit 1; }
[ "$(grep -c 'VF2 context 1: command [0-2] completed' "$1")" -eq 3 ] || { echo "VF2: not 3 commands"; exit 1; }
! grep -q 'cmd: .*failed' "$1" || { echo "a command failed"; exit 1; }
