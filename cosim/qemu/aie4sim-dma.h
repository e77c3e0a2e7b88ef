/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device: the model's requests on behalf of a function (DMA_READ,
 * DMA_WRITE, DMA_MAP, MSI), carried out as that PCI function's own DMA (its
 * bus-master address space, so Bus Master Enable and any vIOMMU apply), and the
 * guest RAM shared with the model. Used by the host's PF/VF devices
 * (aie4sim-pci.c) and by a guest VM's passed-through VF (aie4sim-vf-guest.c):
 * each has its own link and its own RAM.
 */
#ifndef AIE4SIM_DMA_H
#define AIE4SIM_DMA_H

#include "exec/cpu-common.h"
#include "hw/pci/pci.h"

#include "aie4sim-link.h"

typedef struct A4sDmaServer {
    A4sLink *link;
    /*
     * Guest RAM shared with the model (GUEST_RAM), in the order of that
     * message.
     */
    RAMBlock *shared_ram[A4S_MAX_RAM_BLOCKS];
    unsigned shared_ram_count;
} A4sDmaServer;

/* Collects the RAM blocks the model can map (shared memfds or files). */
void a4s_dma_collect_ram(A4sDmaServer *d);
/*
 * Sends GUEST_RAM with the blocks' descriptors; with `fixed_map` (no IOMMU in
 * front of the function) also where the blocks sit in the system address space
 * (1.2 windows).
 */
void a4s_dma_share_ram(A4sDmaServer *d, bool fixed_map);
/*
 * Serves one request of the model for `dev` (NULL: the function does not exist
 * here).
 */
void a4s_dma_serve(A4sDmaServer *d, PCIDevice *dev, A4sMessage *m);

#endif
