#!/bin/sh
# The model ran both contexts' commands.
set -e
for want in "VF1 context 1: command 1 completed" "VF1 context 2: command 0 completed"; do
    grep -q "$want" "$1" || { echo "model log lacks '$want'"; exit 1; }
done
