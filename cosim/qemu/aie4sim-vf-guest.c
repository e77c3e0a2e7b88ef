/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device for a guest VM: one VF of the model's device, passed
 * through to this VM as VFIO presents a VF (protocol 1.2, ATTACH). The host VM
 * owns the PF in another QEMU; this QEMU connects to the same model and
 * attaches to VF `vf`.
 *
 * The VM sees a plain PCIe endpoint with the VF's identity (vendor 0x1022, the
 * VF device ID), its BARs, its MSI-X and its FLR. As VFIO does, QEMU emulates
 * what a VF does not have of its own: the vendor and device IDs (a VF reads
 * 0xFFFF there), the BARs (a VF's BARs are the PF's SR-IOV BARs: the model only
 * sees offsets in them), Memory Space Enable (the host's VF MSE governs
 * decoding), the ROM and INTx registers. Every other configuration register is
 * the model's VF's. The model routes this VF's DMA and MSI-X to this QEMU only,
 * into this VM's memory.
 *
 * When the host removes the VF (SR-IOV disabled, PF reset) the VM sees a
 * surprise removal: all-ones reads, writes dropped, until the VF exists again
 * (a NOTICE says so).
 *
 * A lost model looks the same, for good (aie4sim-link.h). Migration is
 * blocked: the VF's state lives in the external model.
 *
 *   -device aie4sim-vf-guest,vf=N,socket=PATH|unix:PATH|tcp:HOST:PORT
 *           [,share-ram=on|off][,attach-wait=SECONDS][,reply-timeout-ms=MS]
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/qdev-properties.h"
#include "migration/blocker.h"
#include "exec/address-spaces.h"
#include "sysemu/sysemu.h"

#include "aie4sim-dma.h"
#include "aie4sim-link.h"
#include "trace.h"

#define TYPE_AIE4SIM_VF_GUEST "aie4sim-vf-guest"

typedef struct A4sGuestBar {
    MemoryRegion region;
    struct A4sVfGuest *g;
    uint8_t index;
} A4sGuestBar;

typedef struct A4sVfGuest {
    PCIDevice parent_obj;
    char *socket;
    uint32_t vf;
    uint32_t spin_us;
    uint32_t spin_min_us;
    uint32_t connect_timeout_s;
    uint32_t reply_timeout_ms;
    uint32_t attach_wait_s;
    bool share_ram;
    A4sLink *link;
    struct a4s_layout layout;
    A4sGuestBar bars[6];
    A4sDmaServer dma;
    Notifier exit_notifier;
    Error *migration_blocker;
    bool removed; /* the host removed the VF: the VM sees a surprise removal */
} A4sVfGuest;

OBJECT_DECLARE_SIMPLE_TYPE(A4sVfGuest, AIE4SIM_VF_GUEST)

static uint64_t a4s_all_ones(unsigned size)
{
    return size >= 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
}

/* The model's requests: DMA, MSI-X, and what the host did to the VF */

static void a4s_guest_request(void *opaque, A4sMessage *m)
{
    A4sVfGuest *g = opaque;

    if (m->header.type == A4S_NOTICE) {
        struct a4s_notice n;

        if (m->header.size - sizeof(struct a4s_header) < sizeof(n)) {
            return;
        }
        memcpy(&n, a4s_message_payload(m), sizeof(n));
        n.reason[sizeof(n.reason) - 1] = '\0';
        if (n.kind == A4S_NOTICE_REMOVED) {
            g->removed = true;
        } else if (n.kind == A4S_NOTICE_RETURNED) {
            g->removed = false;
        }
        warn_report("aie4sim-vf-guest: %s", n.reason);
        return;
    }
    a4s_dma_serve(&g->dma, PCI_DEVICE(g), m);
}

static void a4s_guest_socket_readable(void *opaque)
{
    A4sVfGuest *g = opaque;
    a4s_link_drain(g->link);
}

/*
 * BARs: offsets in the VF's BAR; the model adds the bus address the host gave
 * it
 */

static MemTxResult a4s_guest_bar_read(void *opaque, hwaddr addr, uint64_t *data,
                                      unsigned size, MemTxAttrs attrs)
{
    A4sGuestBar *b = opaque;
    struct a4s_mmio req = { .address = addr,
                            .size = size,
                            .bar_hint = b->index };
    A4sMessage reply;

    *data = a4s_all_ones(size);
    if (b->g->removed) {
        return MEMTX_OK;
    }
    reply = a4s_link_call(b->g->link, A4S_MMIO_READ, b->g->vf, &req,
                          sizeof(req), NULL, 0);
    if (reply.header.status == A4S_OK &&
        reply.header.size - sizeof(struct a4s_header) >= size) {
        *data = 0;
        memcpy(data, a4s_message_payload(&reply), size);
    }
    a4s_message_free(&reply);
    trace_aie4sim_mmio_read(b->g->vf, addr, size, *data);
    return MEMTX_OK;
}

static MemTxResult a4s_guest_bar_write(void *opaque, hwaddr addr, uint64_t data,
                                       unsigned size, MemTxAttrs attrs)
{
    A4sGuestBar *b = opaque;
    struct a4s_mmio req = { .address = addr,
                            .size = size,
                            .bar_hint = b->index };

    trace_aie4sim_mmio_write(b->g->vf, addr, size, data);
    if (!b->g->removed) {
        a4s_link_post(b->g->link, A4S_MMIO_WRITE, b->g->vf, &req, sizeof(req),
                      &data, size);
    }
    return MEMTX_OK;
}

static const MemoryRegionOps a4s_guest_bar_ops = {
    .read_with_attrs = a4s_guest_bar_read,
    .write_with_attrs = a4s_guest_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

/* Configuration space: the model's VF, with what VFIO emulates kept here */

/* Registers this QEMU emulates: IDs, BARs, ROM, INTx line and pin. */
static bool a4s_guest_local_byte(uint32_t at)
{
    return at < PCI_COMMAND ||
           (at >= PCI_BASE_ADDRESS_0 && at < PCI_CARDBUS_CIS) ||
           (at >= PCI_ROM_ADDRESS && at < PCI_CAPABILITY_LIST) ||
           at == PCI_INTERRUPT_LINE || at == PCI_INTERRUPT_PIN;
}

static bool a4s_guest_all_local(uint32_t address, int len)
{
    int i;

    for (i = 0; i < len; i++) {
        if (!a4s_guest_local_byte(address + i)) {
            return false;
        }
    }
    return true;
}

static uint32_t a4s_guest_config_read(PCIDevice *dev, uint32_t address, int len)
{
    A4sVfGuest *g = AIE4SIM_VF_GUEST(dev);
    const uint32_t local = pci_default_read_config(dev, address, len);
    struct a4s_cfg_read req = { .offset = address,
                                .size = len,
                                .devfn = dev->devfn };
    struct a4s_cfg_read_reply out;
    uint32_t value = 0;
    A4sMessage reply;
    int i;

    if (g->removed || a4s_link_down(g->link)) {
        /* Removed by the host, or the model is lost: no device answers. */
        return (uint32_t)a4s_all_ones(len);
    }
    if (a4s_guest_all_local(address, len)) {
        return local;
    }
    reply =
        a4s_link_call(g->link, A4S_CFG_READ, g->vf, &req, sizeof(req), NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(out)) {
        a4s_message_free(&reply);
        return (uint32_t)a4s_all_ones(len);
    }
    memcpy(&out, a4s_message_payload(&reply), sizeof(out));
    a4s_message_free(&reply);
    for (i = 0; i < len; i++) {
        const uint32_t shift = i * 8;
        uint32_t byte = a4s_guest_local_byte(address + i)
                            ? (local >> shift) & 0xFF
                            : (out.value >> shift) & 0xFF;
        if (address + i == PCI_COMMAND) {
            /*
             * Memory Space Enable is this QEMU's (the BAR mapping in this VM).
             */
            byte =
                (byte & ~PCI_COMMAND_MEMORY) |
                (pci_get_byte(dev->config + PCI_COMMAND) & PCI_COMMAND_MEMORY);
        }
        value |= byte << shift;
    }
    trace_aie4sim_config_read(g->vf, address, len, value);
    return value;
}

static void a4s_guest_config_write(PCIDevice *dev, uint32_t address,
                                   uint32_t value, int len)
{
    A4sVfGuest *g = AIE4SIM_VF_GUEST(dev);
    struct a4s_cfg_write req = {
        .offset = address, .size = len, .devfn = dev->devfn, .value = value
    };
    struct a4s_cfg_write_reply out;
    uint32_t mirrored;
    A4sMessage reply;

    trace_aie4sim_config_write(g->vf, address, len, value);
    if (g->removed || a4s_link_down(g->link)) {
        return; /* a removed device drops writes */
    }
    if (a4s_guest_all_local(address, len)) {
        pci_default_write_config(dev, address, value, len);
        return;
    }
    reply = a4s_link_call(g->link, A4S_CFG_WRITE, g->vf, &req, sizeof(req),
                          NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(out)) {
        a4s_message_free(&reply);
        return;
    }
    memcpy(&out, a4s_message_payload(&reply), sizeof(out));
    a4s_message_free(&reply);
    mirrored = out.dword >> ((address & 3) * 8);
    if (len < 4) {
        mirrored &= (1u << (len * 8)) - 1;
    }
    if (address <= PCI_COMMAND && address + len > PCI_COMMAND) {
        const uint32_t bit = (uint32_t)PCI_COMMAND_MEMORY
                             << ((PCI_COMMAND - address) * 8);
        mirrored = (mirrored & ~bit) | (value & bit);
    }
    pci_default_write_config(dev, address, mirrored, len);
    if (out.events & A4S_EV_FUNCTION_RESET) {
        /* The VF performed an FLR: decoding and bus mastering are off. */
        pci_default_write_config(dev, PCI_COMMAND, 0, 2);
    }
}

/* The device */

static void a4s_guest_exit_notify(Notifier *notifier, void *data)
{
    A4sVfGuest *g = container_of(notifier, A4sVfGuest, exit_notifier);

    if (g->link) {
        a4s_link_close(g->link, "the guest VM's QEMU is exiting");
        g->link = NULL;
    }
}

/*
 * ATTACH; with attach-wait=N, a VF that does not exist yet or is still held by
 * another VM is asked for again for up to N seconds (a VM that starts before
 * the host enabled its VF, or that takes over the VF of a VM that just ended).
 */
static bool a4s_guest_attach(A4sVfGuest *g, Error **errp)
{
    const int64_t give_up =
        g_get_monotonic_time() + (int64_t)g->attach_wait_s * 1000000;
    bool told = false;

    for (;;) {
        struct a4s_attach req = { .vf = g->vf };
        A4sMessage reply = a4s_link_call(g->link, A4S_ATTACH, g->vf, &req,
                                         sizeof(req), NULL, 0);
        struct a4s_refusal why = { 0 };
        const uint32_t size = reply.header.size - sizeof(struct a4s_header);

        if (reply.header.status == A4S_OK) {
            a4s_message_free(&reply);
            return true;
        }
        if (a4s_link_down(g->link)) {
            a4s_message_free(&reply);
            error_setg(errp, "aie4sim-vf-guest: lost the model asking for VF%u",
                       g->vf);
            return false;
        }
        memcpy(&why, a4s_message_payload(&reply), MIN(size, sizeof(why)));
        a4s_message_free(&reply);
        why.reason[sizeof(why.reason) - 1] = '\0';
        if ((why.code == A4S_REFUSED_NO_VF || why.code == A4S_REFUSED_TAKEN) &&
            g_get_monotonic_time() < give_up) {
            if (!told) {
                info_report("aie4sim-vf-guest: waiting for VF%u: %s", g->vf,
                            why.reason);
                told = true;
            }
            g_usleep(100000);
            continue;
        }
        error_setg(errp, "aie4sim-vf-guest: the model refused VF%u: %s", g->vf,
                   why.reason[0] ? why.reason : "no reason given");
        return false;
    }
}

/* Realize failed, or the device goes: the link and the migration blocker go. */
static void a4s_guest_drop_link(A4sVfGuest *g, const char *reason)
{
    if (g->migration_blocker) {
        migrate_del_blocker(g->migration_blocker);
        error_free(g->migration_blocker);
        g->migration_blocker = NULL;
    }
    if (g->link) {
        qemu_set_fd_handler(a4s_link_fd(g->link), NULL, NULL, NULL);
        a4s_link_close(g->link, reason);
        g->link = NULL;
    }
}

static void a4s_guest_realize(PCIDevice *dev, Error **errp)
{
    A4sVfGuest *g = AIE4SIM_VF_GUEST(dev);
    A4sLinkOptions options = {
        .address = g->socket,
        .connect_timeout_s = g->connect_timeout_s,
        .reply_timeout_ms = g->reply_timeout_ms,
        .spin_us = g->spin_us,
        .spin_min_us = MIN(g->spin_min_us, g->spin_us),
        .handler = a4s_guest_request,
        .opaque = g,
    };
    struct a4s_layout *l = &g->layout;
    A4sMessage reply;
    int i;

    if (!g->socket || g->vf == 0) {
        error_setg(errp, "aie4sim-vf-guest: socket=PATH (or tcp:HOST:PORT) and "
                         "vf=N (1-based) "
                         "are required");
        return;
    }
    g->dma.shared_ram_count = 0;
    if (g->share_ram) {
        a4s_dma_collect_ram(&g->dma);
    }
    options.offer_guest_ram = g->dma.shared_ram_count > 0;
    g->link = a4s_link_open(&options, errp);
    if (!g->link) {
        return;
    }
    g->dma.link = g->link;
    error_setg(&g->migration_blocker,
               "aie4sim-vf-guest: the VF's state lives in the external "
               "SystemC model, which is not migrated");
    if (migrate_add_blocker(g->migration_blocker, errp) < 0) {
        goto fail;
    }
    if (!(a4s_link_peer_capabilities(g->link) & A4S_CAP_ATTACH)) {
        error_setg(errp,
                   "aie4sim-vf-guest: the model at %s serves no guest VMs "
                   "(protocol 1.2)",
                   g->socket);
        goto fail;
    }
    if (options.offer_guest_ram && a4s_link_shared_memory(g->link) &&
        (a4s_link_peer_capabilities(g->link) & A4S_CAP_GUEST_RAM)) {
        /*
         * Without a vIOMMU the VF's bus addresses are guest-physical addresses,
         * fixed for the VM's life: the model may translate its DMA itself, so a
         * busy QEMU never holds it.
         */
        a4s_dma_share_ram(&g->dma, pci_device_iommu_address_space(dev) ==
                                       &address_space_memory);
    }
    reply = a4s_link_call(g->link, A4S_LAYOUT, 0, NULL, 0, NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(*l)) {
        a4s_message_free(&reply);
        error_setg(
            errp, "aie4sim-vf-guest: the model did not describe its functions");
        goto fail;
    }
    memcpy(l, a4s_message_payload(&reply), sizeof(*l));
    a4s_message_free(&reply);
    if (g->vf > l->total_vfs || !l->vf_express_offset ||
        l->vf_express_offset >= 0x100) {
        error_setg(errp, "aie4sim-vf-guest: the device has %u VFs, no VF%u",
                   l->total_vfs, g->vf);
        goto fail;
    }
    if (!a4s_guest_attach(g, errp)) {
        goto fail;
    }

    pci_config_set_vendor_id(dev->config, l->vendor_id);
    pci_config_set_device_id(dev->config, l->vf_device_id);
    pci_config_set_class(dev->config, l->class_code >> 8);
    pci_config_set_prog_interface(dev->config, l->class_code & 0xFF);
    for (i = 0; i < 6; i++) {
        const struct a4s_bar *bar = &l->vf_bars[i];
        g_autofree char *name = NULL;

        if (!(bar->flags & A4S_BAR_IMPLEMENTED)) {
            continue;
        }
        name = g_strdup_printf("aie4sim-vf%u-bar%u", g->vf, i);
        g->bars[i].g = g;
        g->bars[i].index = i;
        memory_region_init_io(&g->bars[i].region, OBJECT(dev),
                              &a4s_guest_bar_ops, &g->bars[i], name, bar->size);
        pci_register_bar(
            dev, i,
            PCI_BASE_ADDRESS_SPACE_MEMORY |
                ((bar->flags & A4S_BAR_64BIT) ? PCI_BASE_ADDRESS_MEM_TYPE_64
                                              : 0) |
                ((bar->flags & A4S_BAR_PREFETCH) ? PCI_BASE_ADDRESS_MEM_PREFETCH
                                                 : 0),
            &g->bars[i].region);
    }
    /*
     * The mirror's PCIe capability sits where the model's VF has it; its
     * contents are the model's (Device Control, FLR).
     */
    if (pcie_endpoint_cap_init(dev, l->vf_express_offset) < 0) {
        error_setg(errp, "aie4sim-vf-guest: cannot mirror the PCIe capability");
        goto fail;
    }
    qemu_set_fd_handler(a4s_link_fd(g->link), a4s_guest_socket_readable, NULL,
                        g);
    g->exit_notifier.notify = a4s_guest_exit_notify;
    qemu_add_exit_notifier(&g->exit_notifier);
    info_report(
        "aie4sim-vf-guest: VF%u of %s at %s passed through (%s%s)", g->vf,
        a4s_link_peer_name(g->link), g->socket,
        a4s_link_shared_memory(g->link) ? "shared-memory rings" : "socket only",
        !g->dma.shared_ram_count ? ", guest RAM not shareable: DMA by messages"
        : (a4s_link_peer_capabilities(g->link) & A4S_CAP_GUEST_RAM)
            ? ", guest RAM shared"
            : "");
    return;

fail:
    a4s_guest_drop_link(g, "the guest VM's device could not be set up");
}

static void a4s_guest_exit(PCIDevice *dev)
{
    A4sVfGuest *g = AIE4SIM_VF_GUEST(dev);

    if (g->link) {
        qemu_remove_exit_notifier(&g->exit_notifier);
    }
    a4s_guest_drop_link(g, "the device was removed from the guest VM");
}

/*
 * The VM's reset resets its function (an FLR in the model), never the device.
 */
static void a4s_guest_reset(DeviceState *qdev)
{
    A4sVfGuest *g = AIE4SIM_VF_GUEST(qdev);
    struct a4s_reset req = { .kind = A4S_RESET_SYSTEM };
    A4sMessage reply;

    if (!g->link || g->removed) {
        return;
    }
    trace_aie4sim_reset(g->vf);
    reply =
        a4s_link_call(g->link, A4S_RESET, g->vf, &req, sizeof(req), NULL, 0);
    a4s_message_free(&reply);
}

static Property a4s_guest_properties[] = {
    DEFINE_PROP_STRING("socket", A4sVfGuest, socket),
    DEFINE_PROP_UINT32("vf", A4sVfGuest, vf, 0),
    DEFINE_PROP_UINT32("spin-us", A4sVfGuest, spin_us, 200),
    DEFINE_PROP_UINT32("spin-min-us", A4sVfGuest, spin_min_us, 2),
    DEFINE_PROP_BOOL("share-ram", A4sVfGuest, share_ram, true),
    DEFINE_PROP_UINT32("connect-timeout", A4sVfGuest, connect_timeout_s, 30),
    DEFINE_PROP_UINT32("reply-timeout-ms", A4sVfGuest, reply_timeout_ms, 5000),
    DEFINE_PROP_UINT32("attach-wait", A4sVfGuest, attach_wait_s, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void a4s_guest_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = a4s_guest_realize;
    k->exit = a4s_guest_exit;
    k->config_read = a4s_guest_config_read;
    k->config_write = a4s_guest_config_write;
    k->vendor_id = 0x1022;
    k->device_id = 0x17F3;
    k->class_id = 0x1180;
    dc->desc =
        "aie4sim: one VF of the model's device, passed through to this VM";
    dc->reset = a4s_guest_reset;
    device_class_set_props(dc, a4s_guest_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo a4s_guest_types[] = {
    {
        .name = TYPE_AIE4SIM_VF_GUEST,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(A4sVfGuest),
        .class_init = a4s_guest_class_init,
        .interfaces = (InterfaceInfo[]){ { INTERFACE_PCIE_DEVICE }, {} },
    },
};

DEFINE_TYPES(a4s_guest_types)
