# lspci shows the PF 1022:17f2 rev 10 with its capabilities decoded from the model.
lspci -nn
lspci -vvv -s 01:00.0 > /tmp/pf.txt
cat /tmp/pf.txt
check "PF 1022:17f2 rev 10" sh -c "lspci -nn -s 01:00.0 | grep -q '\[1022:17f2\] (rev 10)'"
check "class 1180" sh -c "lspci -n -s 01:00.0 | grep -q ' 1180: '"
check "SR-IOV capability" grep -q 'Single Root I/O Virtualization (SR-IOV)' /tmp/pf.txt
check "Total VFs 4" grep -q 'Initial VFs: 4, Total VFs: 4, Number of VFs: 0' /tmp/pf.txt
check "VF Device ID" grep -q 'Device ID: 17f3' /tmp/pf.txt
check "ARI" grep -q 'Alternative Routing-ID Interpretation (ARI)' /tmp/pf.txt
check "MSI-X with 8 vectors" grep -q 'MSI-X: Enable- Count=8' /tmp/pf.txt
check "FLR capable" grep -q 'FLReset+' /tmp/pf.txt
check "BAR0 64 KiB" grep -q 'Region 0: Memory at .* (64-bit, non-prefetchable) \[size=64K\]' /tmp/pf.txt
check "BAR2 512 KiB" grep -q 'Region 2: Memory at .* (64-bit, non-prefetchable) \[size=512K\]' /tmp/pf.txt
check "BAR4 and BAR5 32-bit" sh -c "grep -c '(32-bit, non-prefetchable) \[size=64K\]' /tmp/pf.txt | grep -qx 2"
check "VF BARs in the SR-IOV capability" sh -c "grep -A12 'SR-IOV' /tmp/pf.txt | grep -q 'Region 2: Memory at'"
