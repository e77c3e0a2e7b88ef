#!/bin/sh
# Every VF's copy (its first context) and both GEMM runs (its second) reached the model.
set -e
for n in 1 2 3 4; do
    grep -q "VF$n context 1: command 0 completed" "$1" || { echo "VF$n's copy not run"; exit 1; }
    grep -q "VF$n context 2: command 1 completed" "$1" || { echo "VF$n's GEMMs not run"; exit 1; }
done
