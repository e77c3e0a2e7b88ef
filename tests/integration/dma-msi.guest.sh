# A model-initiated DMA writes a known pattern into a guest buffer, through the guest's vIOMMU
# (the buffer is mapped at an IOVA with vfio), and the VF's MSI-X message is counted in
# /proc/interrupts.
modprobe pci-pf-stub
modprobe vfio-pci
modprobe vfio_iommu_type1
bind_driver $PF pci-pf-stub
echo 2 > $SYS/$PF/sriov_numvfs
vf=$(vf_bdf 2)
bind_driver $vf vfio-pci
aie4sim-vfio-dma $vf --bytes 65536 --vector 1 | tee /tmp/dma.txt
check "function register names VF2" grep -qx 'function: 2' /tmp/dma.txt
check "DMA pattern landed" grep -q '^dma-fill: ok, 65536 bytes' /tmp/dma.txt
check "DMA read back" grep -q '^dma-read: ok' /tmp/dma.txt
count=$(sed -n 's/^interrupts: *[0-9]*: *\([0-9]*\) .*vfio-msix\[1\].*/\1/p' /tmp/dma.txt)
check "MSI-X vector 1 of $vf counted in /proc/interrupts (${count:-none})" [ "${count:-0}" -ge 2 ]
