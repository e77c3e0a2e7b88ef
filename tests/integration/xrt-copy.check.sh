#!/bin/sh
# The model ran the XRT commands: the first context's three runs, the second's two.
set -e
for want in "VF1 context 1: command 2 completed" "VF1 context 2: command 1 completed"; do
    grep -q "$want" "$1" || { echo "model log lacks '$want'"; exit 1; }
done
! grep -q "VF1 context 1: command 3 " "$1" || { echo "more commands than the program ran"; exit 1; }
