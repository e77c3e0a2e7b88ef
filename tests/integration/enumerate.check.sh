#!/bin/sh
# The enumeration went through the model: QEMU connected and configuration reads arrived.
grep -q 'connected to qemu' "$1" && grep -q 'config reads' "$1"
