#!/bin/sh
# The DMA was issued by VF2 in the model, at the IOVA the guest mapped.
grep -q 'aie4.endpoint.vf2: DMA fill of 65536 bytes at 0x40000000 done' "$1" &&
grep -q 'aie4.endpoint.vf2: DMA checksum of 65536 bytes at 0x40000000 done' "$1"
