#!/bin/sh
# SR-IOV decoding happened in the model: each VF's scratch write was decoded to that VF.
for n in 1 2 3 4; do
    grep -q "VF$n BAR0 +0xf004 write 4 bytes" "$1" || { echo "no decoded access to VF$n"; exit 1; }
    grep -q "aie4.endpoint.vf$n scratch <- 0x5eed000$n" "$1" || { echo "VF$n scratch not written"; exit 1; }
done
