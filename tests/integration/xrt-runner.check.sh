#!/bin/sh
# The runs reached the model: the chain's 6 (context 1), the GEMM's 2 (context 2), the broken
# chain's 3 (context 3).
set -e
for want in "VF1 context 1: command 5 completed" "VF1 context 2: command 1 completed" \
            "VF1 context 3: command 2 completed"; do
    grep -q "$want" "$1" || { echo "model log lacks '$want'"; exit 1; }
done
