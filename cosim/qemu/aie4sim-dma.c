/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device: the model's DMA and MSI-X requests, served as the
 * function's own. See aie4sim-dma.h.
 */
#include "qemu/osdep.h"
#include "qemu/error-report.h"
#include "qemu/rcu.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "exec/cpu-common.h"

#include "aie4sim-dma.h"
#include "trace.h"

static void a4s_dma_map(A4sDmaServer *s, PCIDevice *dev, A4sMessage *m);

void a4s_dma_serve(A4sDmaServer *s, PCIDevice *dev, A4sMessage *m)
{
    const uint32_t payload = m->header.size - sizeof(struct a4s_header);

    switch (m->header.type) {
    case A4S_MSI: {
        struct a4s_msi msi;
        MSIMessage message;

        if (payload < sizeof(msi) || !dev) {
            warn_report("aie4sim: MSI-X for absent function %u dropped",
                        m->header.function);
            return;
        }
        memcpy(&msi, a4s_message_payload(m), sizeof(msi));
        message.address = msi.address;
        message.data = msi.data;
        trace_aie4sim_msi(m->header.function, msi.address, msi.data);
        msi_send_message(dev, message);
        return;
    }
    case A4S_DMA_READ:
    case A4S_DMA_WRITE: {
        struct a4s_presence *me = a4s_link_presence(s->link);
        struct a4s_dma dma;
        bool write = m->header.type == A4S_DMA_WRITE;
        MemTxResult result;

        if (payload < sizeof(dma)) {
            a4s_link_reply(s->link, m, A4S_E_MALFORMED, NULL, 0);
            return;
        }
        memcpy(&dma, a4s_message_payload(m), sizeof(dma));
        if (dma.size > A4S_MAX_DMA_CHUNK ||
            (write && payload < sizeof(dma) + dma.size)) {
            a4s_link_reply(s->link, m, A4S_E_MALFORMED, NULL, 0);
            return;
        }
        if (!dev) {
            a4s_link_reply(s->link, m, A4S_E_UNSUPPORTED, NULL, 0);
            return;
        }
        trace_aie4sim_dma(m->header.function, dma.address, dma.size, write,
                          dma.flags & A4S_DMA_TRANSLATED);
        a4s_stat_add(&me->dma.requests, 1);
        a4s_stat_add(&me->dma.message_bytes, dma.size);
        if (dma.flags & A4S_DMA_TRANSLATED) {
            /*
             * Already a host physical address: system memory, no IOMMU. Bus
             * mastering was checked by the model's function.
             */
            g_autofree uint8_t *buf = write ? NULL : g_malloc(dma.size);
            result = address_space_rw(
                &address_space_memory, dma.address, MEMTXATTRS_UNSPECIFIED,
                write ? (void *)(a4s_message_payload(m) + sizeof(dma)) : buf,
                dma.size, write);
            if (result != MEMTX_OK || write) {
                a4s_link_reply(s->link, m,
                               result == MEMTX_OK ? A4S_OK : A4S_E_ABORT, NULL,
                               0);
            } else {
                a4s_link_reply(s->link, m, A4S_OK, buf, dma.size);
            }
        } else if (write) {
            result =
                pci_dma_write(dev, dma.address,
                              a4s_message_payload(m) + sizeof(dma), dma.size);
            a4s_link_reply(s->link, m,
                           result == MEMTX_OK ? A4S_OK : A4S_E_ABORT, NULL, 0);
        } else {
            g_autofree uint8_t *buf = g_malloc(dma.size);
            result = pci_dma_read(dev, dma.address, buf, dma.size);
            if (result == MEMTX_OK) {
                a4s_link_reply(s->link, m, A4S_OK, buf, dma.size);
            } else {
                a4s_link_reply(s->link, m, A4S_E_ABORT, NULL, 0);
            }
        }
        return;
    }
    case A4S_DMA_MAP:
        a4s_dma_map(s, dev, m);
        return;
    default:
        a4s_link_reply(s->link, m, A4S_E_MALFORMED, NULL, 0);
        return;
    }
}

/* DMA straight into guest RAM: translation for the model (protocol 1.1) */

static int a4s_collect_ram(RAMBlock *rb, void *opaque)
{
    A4sDmaServer *s = opaque;

    /*
     * Only RAM the model can map and see QEMU's writes in: a shared memfd or
     * file.
     */
    if (qemu_ram_get_fd(rb) >= 0 && qemu_ram_is_shared(rb) &&
        s->shared_ram_count < A4S_MAX_RAM_BLOCKS) {
        s->shared_ram[s->shared_ram_count++] = rb;
    }
    return 0;
}

static uint32_t a4s_shared_block_of(A4sDmaServer *s, RAMBlock *rb)
{
    unsigned i;

    for (i = 0; i < s->shared_ram_count; i++) {
        if (s->shared_ram[i] == rb) {
            return i;
        }
    }
    return A4S_RAM_NONE;
}

typedef struct A4sWindows {
    A4sDmaServer *s;
    struct a4s_ram_window w[A4S_MAX_RAM_WINDOWS];
    unsigned n;
    bool overflow;
} A4sWindows;

/* One range of the system address space: a window if it is shared guest RAM. */
static bool a4s_collect_window(Int128 start, Int128 len, const MemoryRegion *mr,
                               hwaddr offset_in_region, void *opaque)
{
    A4sWindows *ws = opaque;
    ram_addr_t offset = 0;
    RAMBlock *rb;
    uint32_t block;

    if (!memory_region_is_ram((MemoryRegion *)mr) ||
        memory_region_is_ram_device((MemoryRegion *)mr) || mr->readonly) {
        return false;
    }
    rb = qemu_ram_block_from_host(
        (uint8_t *)memory_region_get_ram_ptr((MemoryRegion *)mr) +
            offset_in_region,
        false, &offset);
    block = rb ? a4s_shared_block_of(ws->s, rb) : A4S_RAM_NONE;
    if (block == A4S_RAM_NONE) {
        return false;
    }
    if (ws->n == A4S_MAX_RAM_WINDOWS) {
        ws->overflow = true;
        return true;
    }
    ws->w[ws->n].address = int128_get64(start);
    ws->w[ws->n].length = int128_get64(len);
    ws->w[ws->n].offset = offset;
    ws->w[ws->n].block = block;
    ws->n++;
    return false;
}

void a4s_dma_share_ram(A4sDmaServer *s, bool fixed_map)
{
    const size_t size = sizeof(struct a4s_guest_ram) +
                        A4S_MAX_RAM_BLOCKS * sizeof(struct a4s_ram_block) +
                        A4S_MAX_RAM_WINDOWS * sizeof(struct a4s_ram_window);
    g_autofree uint8_t *msg = g_malloc0(size);
    struct a4s_guest_ram *head = (struct a4s_guest_ram *)msg;
    struct a4s_ram_block *blocks =
        (struct a4s_ram_block *)(msg + sizeof(*head));
    g_autofree A4sWindows *ws = g_new0(A4sWindows, 1);
    int fds[A4S_MAX_RAM_BLOCKS];
    size_t used;
    unsigned i;

    for (i = 0; i < s->shared_ram_count; i++) {
        blocks[i].size = qemu_ram_get_used_length(s->shared_ram[i]);
        snprintf(blocks[i].name, sizeof(blocks[i].name), "%s",
                 qemu_ram_get_idstr(s->shared_ram[i]));
        fds[i] = qemu_ram_get_fd(s->shared_ram[i]);
    }
    head->count = s->shared_ram_count;
    used = sizeof(*head) + s->shared_ram_count * sizeof(blocks[0]);
    if (fixed_map) {
        ws->s = s;
        WITH_RCU_READ_LOCK_GUARD()
        {
            flatview_for_each_range(
                address_space_to_flatview(&address_space_memory),
                a4s_collect_window, ws);
        }
        if (!ws->overflow) {
            head->windows = ws->n;
            memcpy(msg + used, ws->w, ws->n * sizeof(ws->w[0]));
            used += ws->n * sizeof(ws->w[0]);
        }
    }
    a4s_link_post_descriptors(s->link, A4S_GUEST_RAM, msg, used, fds,
                              s->shared_ram_count);
}

/*
 * Where a function's DMA range lands: translated as the function's own DMA
 * would be (its IOMMU, permissions, Bus Master Enable through its bus-master
 * address space), cut into extents of the shared RAM blocks, or A4S_RAM_NONE
 * for what is not shared RAM. A failed translation (the IOMMU has recorded the
 * fault already) aborts, as a DMA would.
 */
static void a4s_dma_map(A4sDmaServer *s, PCIDevice *dev, A4sMessage *m)
{
    struct a4s_dma_map req;
    struct a4s_presence *me = a4s_link_presence(s->link);
    const int64_t start = a4s_now_ns();
    const uint32_t max = MIN(A4S_MAX_DMA_EXTENTS, 4096u);
    const size_t out_size =
        sizeof(struct a4s_dma_map_reply) + max * sizeof(struct a4s_dma_extent);
    g_autofree uint8_t *out = g_malloc(out_size);
    struct a4s_dma_map_reply *head = (struct a4s_dma_map_reply *)out;
    struct a4s_dma_extent *ext = (struct a4s_dma_extent *)(out + sizeof(*head));
    AddressSpace *as;
    bool write;
    hwaddr addr;
    uint64_t left;
    uint32_t n = 0;

    if (m->header.size - sizeof(struct a4s_header) < sizeof(req)) {
        a4s_link_reply(s->link, m, A4S_E_MALFORMED, NULL, 0);
        return;
    }
    memcpy(&req, a4s_message_payload(m), sizeof(req));
    if (req.size == 0 || req.size > A4S_MAX_DMA_MAP) {
        a4s_link_reply(s->link, m, A4S_E_MALFORMED, NULL, 0);
        return;
    }
    if (!dev) {
        a4s_link_reply(s->link, m, A4S_E_UNSUPPORTED, NULL, 0);
        return;
    }
    write = req.flags & A4S_DMA_MAP_WRITE;
    as = (req.flags & A4S_DMA_TRANSLATED) ? &address_space_memory
                                          : pci_get_address_space(dev);
    addr = req.address;
    left = req.size;
    WITH_RCU_READ_LOCK_GUARD()
    {
        while (left > 0 && n < max) {
            hwaddr xlat, len = left;
            MemoryRegion *mr = address_space_translate(
                as, addr, &xlat, &len, write, MEMTXATTRS_UNSPECIFIED);
            uint32_t block = A4S_RAM_NONE;
            ram_addr_t offset = 0;

            if (len == 0) {
                break;
            }
            /*
             * A failed IOMMU translation, or nothing at the address, ends at
             * QEMU's unassigned region (physmem.c keeps it private: known by
             * its name).
             */
            if (!memory_region_is_ram(mr) &&
                !strcmp(memory_region_name(mr), "unassigned")) {
                break;
            }
            if (memory_region_is_ram(mr) && !memory_region_is_ram_device(mr) &&
                !(write && mr->readonly)) {
                RAMBlock *rb = qemu_ram_block_from_host(
                    (uint8_t *)memory_region_get_ram_ptr(mr) + xlat, false,
                    &offset);
                block = rb ? a4s_shared_block_of(s, rb) : A4S_RAM_NONE;
            }
            if (block == A4S_RAM_NONE) {
                offset = 0;
            }
            if (n > 0 && ext[n - 1].block == block &&
                (block == A4S_RAM_NONE ||
                 ext[n - 1].offset + ext[n - 1].length == offset)) {
                ext[n - 1].length += len;
            } else {
                ext[n].block = block;
                ext[n].length = len;
                ext[n].offset = offset;
                n++;
            }
            addr += len;
            left -= len;
        }
    }
    a4s_stat_add(&me->dma.maps, 1);
    a4s_stat_add(&me->dma.extents, n);
    a4s_stat_add(&me->dma.busy_ns, (uint64_t)(a4s_now_ns() - start));
    if (n == 0) {
        a4s_link_reply(s->link, m, A4S_E_ABORT, NULL, 0);
        return;
    }
    head->count = n;
    head->reserved = 0;
    head->mapped = req.size - left;
    a4s_link_reply(s->link, m, A4S_OK, out, sizeof(*head) + n * sizeof(*ext));
}

void a4s_dma_collect_ram(A4sDmaServer *s)
{
    qemu_ram_foreach_block(a4s_collect_ram, s);
}
