#!/bin/sh
# The model saw VF Enable with 4 VFs, refused NumVFs 200, and enabled 2 VFs afterwards.
grep -q 'VF Enable set with NumVFs 4' "$1" &&
grep -q 'NumVFs write of 200 refused: above TotalVFs 4' "$1" &&
grep -q 'VF Enable set with NumVFs 2' "$1"
