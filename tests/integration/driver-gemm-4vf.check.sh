#!/bin/sh
# Each VF's command ran; under time sharing they take turns on the whole array.
set -e
for n in 1 2 3 4; do
    grep -q "VF$n context 1: command 0 completed" "$1" || { echo "VF$n's command not run"; exit 1; }
done
