/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device: an SR-IOV PCIe function whose behaviour lives in the
 * SystemC model.
 *
 * QEMU is the transport. At realize the PF learns the function layout from the
 * model and builds a mirror of it in QEMU's PCI core (BARs, the PCIe, ARI and
 * SR-IOV capabilities) so that QEMU maps the BARs where the guest puts them and
 * creates the VFs when the guest enables them. Every configuration access of
 * the PF and of each VF goes to the model, which answers reads and decides what
 * a write does; the mirror then takes the model's result. Every BAR access goes
 * to the model with its bus address, and the model decodes it. The model's DMA
 * and MSI-X messages are carried out on behalf of the right function (bus
 * mastering and any vIOMMU apply).
 *
 * Devices:
 *   -device aie4sim-pf,socket=PATH|unix:PATH|tcp:HOST:PORT
 *           [,quantum-ns=N][,spin-us=N][,spin-min-us=N][,share-ram=on|off]
 *           [,connect-timeout=S][,reply-timeout-ms=MS]
 *   Guest RAM is shared with the model (DMA without messages) when it is a
 *   shared memfd:
 *     -object memory-backend-memfd,id=mem,size=...,share=on
 *     -machine memory-backend=mem
 *   aie4sim-vf is created by the PCI core's SR-IOV code, never by hand.
 *
 * Migration is blocked: the device's state lives in the external model. A
 * lost model leaves a surprise-removed device (aie4sim-link.h).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qemu/timer.h"
#include "hw/pci/msi.h"
#include "hw/pci/pci.h"
#include "hw/pci/pcie.h"
#include "hw/pci/pcie_sriov.h"
#include "exec/address-spaces.h"
#include "exec/memory.h"
#include "exec/cpu-common.h"
#include "hw/qdev-properties.h"
#include "migration/blocker.h"
#include "sysemu/sysemu.h"

#include "aie4sim-dma.h"
#include "aie4sim-link.h"
#include "trace.h"

#define TYPE_AIE4SIM_PF "aie4sim-pf"
#define TYPE_AIE4SIM_VF "aie4sim-vf"

typedef struct A4sBar {
    MemoryRegion region;
    PCIDevice *dev;
    struct A4sPf *pf;
    uint16_t function;
    uint8_t index;
} A4sBar;

typedef struct A4sVf {
    PCIDevice parent_obj;
    A4sBar bars[6];
} A4sVf;

typedef struct A4sPf {
    PCIDevice parent_obj;
    char *socket;
    uint64_t quantum_ns;
    uint32_t spin_us;
    uint32_t spin_min_us;
    uint32_t connect_timeout_s;
    uint32_t reply_timeout_ms;
    A4sLink *link;
    struct a4s_layout layout;
    A4sBar bars[6];
    QEMUTimer *sync_timer;
    Notifier exit_notifier;
    Error *migration_blocker;
    bool share_ram;
    A4sDmaServer dma;
} A4sPf;

OBJECT_DECLARE_SIMPLE_TYPE(A4sPf, AIE4SIM_PF)
OBJECT_DECLARE_SIMPLE_TYPE(A4sVf, AIE4SIM_VF)

static A4sPf *a4s_pf_of(PCIDevice *dev)
{
    return AIE4SIM_PF(pci_is_vf(dev) ? pcie_sriov_get_pf(dev) : dev);
}

/* The protocol addresses functions as 0 (PF) and n (VF n). */
static uint16_t a4s_function_of(PCIDevice *dev)
{
    return pci_is_vf(dev) ? pcie_sriov_vf_number(dev) + 1 : 0;
}

static PCIDevice *a4s_device_of(A4sPf *s, uint16_t function)
{
    if (function == 0) {
        return PCI_DEVICE(s);
    }
    return pcie_sriov_get_vf_at_index(PCI_DEVICE(s), function - 1);
}

static bool a4s_lockstep(A4sPf *s)
{
    return s->quantum_ns != 0;
}

/* The model's requests: DMA and MSI-X for a function (aie4sim-dma.c) */

static void a4s_handle_request(void *opaque, A4sMessage *m)
{
    A4sPf *s = opaque;

    a4s_dma_serve(&s->dma, a4s_device_of(s, m->header.function), m);
}

static void a4s_socket_readable(void *opaque)
{
    A4sPf *s = opaque;
    a4s_link_drain(s->link);
}

/* BAR accesses: by bus address, decoded by the model */

static MemTxResult a4s_bar_read(void *opaque, hwaddr addr, uint64_t *data,
                                unsigned size, MemTxAttrs attrs)
{
    A4sBar *b = opaque;
    struct a4s_mmio req = { .size = size, .bar_hint = b->index };
    A4sMessage reply;

    req.address = pci_get_bar_addr(b->dev, b->index) + addr;
    reply = a4s_link_call(b->pf->link, A4S_MMIO_READ, b->function, &req,
                          sizeof(req), NULL, 0);
    *data = 0;
    if (reply.header.status == A4S_OK &&
        reply.header.size - sizeof(struct a4s_header) >= size) {
        memcpy(data, a4s_message_payload(&reply), size);
    } else {
        /* An Unsupported Request completes a read with all-ones on x86. */
        *data = size == 8 ? ~0ULL : ((1ULL << (size * 8)) - 1);
    }
    a4s_message_free(&reply);
    trace_aie4sim_mmio_read(b->function, req.address, size, *data);
    return MEMTX_OK;
}

static MemTxResult a4s_bar_write(void *opaque, hwaddr addr, uint64_t data,
                                 unsigned size, MemTxAttrs attrs)
{
    A4sBar *b = opaque;
    struct a4s_mmio req = { .size = size, .bar_hint = b->index };

    req.address = pci_get_bar_addr(b->dev, b->index) + addr;
    trace_aie4sim_mmio_write(b->function, req.address, size, data);
    if (a4s_lockstep(b->pf)) {
        /*
         * Non-posted, so that whatever the write makes the model do is
         * delivered before the guest executes its next instruction: part of the
         * deterministic contract.
         */
        A4sMessage reply =
            a4s_link_call(b->pf->link, A4S_MMIO_WRITE, b->function, &req,
                          sizeof(req), &data, size);
        a4s_message_free(&reply);
    } else {
        a4s_link_post(b->pf->link, A4S_MMIO_WRITE, b->function, &req,
                      sizeof(req), &data, size);
    }
    return MEMTX_OK;
}

static const MemoryRegionOps a4s_bar_ops = {
    .read_with_attrs = a4s_bar_read,
    .write_with_attrs = a4s_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
    .impl = { .min_access_size = 1, .max_access_size = 8, .unaligned = true },
};

static uint8_t a4s_bar_type(const struct a4s_bar *bar)
{
    return PCI_BASE_ADDRESS_SPACE_MEMORY |
           ((bar->flags & A4S_BAR_64BIT) ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
           ((bar->flags & A4S_BAR_PREFETCH) ? PCI_BASE_ADDRESS_MEM_PREFETCH
                                            : 0);
}

static void a4s_init_bar(A4sPf *s, A4sBar *b, PCIDevice *dev, uint16_t function,
                         uint8_t index, uint64_t size)
{
    g_autofree char *name =
        g_strdup_printf("aie4sim-f%u-bar%u", function, index);

    b->dev = dev;
    b->pf = s;
    b->function = function;
    b->index = index;
    memory_region_init_io(&b->region, OBJECT(dev), &a4s_bar_ops, b, name, size);
}

/* Configuration space: the model answers, the mirror follows */

static uint32_t a4s_config_read(PCIDevice *dev, uint32_t address, int len)
{
    A4sPf *s = a4s_pf_of(dev);
    struct a4s_cfg_read req = { .offset = address,
                                .size = len,
                                .devfn = dev->devfn };
    struct a4s_cfg_read_reply out = { .value = 0xFFFFFFFF };
    A4sMessage reply;

    reply = a4s_link_call(s->link, A4S_CFG_READ, a4s_function_of(dev), &req,
                          sizeof(req), NULL, 0);
    if (reply.header.status == A4S_OK &&
        reply.header.size - sizeof(struct a4s_header) >= sizeof(out)) {
        memcpy(&out, a4s_message_payload(&reply), sizeof(out));
    } else {
        out.value = len == 4 ? 0xFFFFFFFF : ((1u << (len * 8)) - 1);
    }
    a4s_message_free(&reply);
    trace_aie4sim_config_read(a4s_function_of(dev), address, len, out.value);
    return out.value;
}

static void a4s_refresh_layout(A4sPf *s)
{
    A4sMessage reply = a4s_link_call(s->link, A4S_LAYOUT, 0, NULL, 0, NULL, 0);

    if (reply.header.status == A4S_OK &&
        reply.header.size - sizeof(struct a4s_header) >= sizeof(s->layout)) {
        memcpy(&s->layout, a4s_message_payload(&reply), sizeof(s->layout));
    }
    a4s_message_free(&reply);
}

/*
 * A VF's own Command register has no Memory Space Enable (the PF's VF MSE
 * governs its BARs), but QEMU 7.2 maps VF BARs by the VF's Command: keep that
 * mirror bit equal to VF MSE.
 */
static void a4s_mirror_vf_command(PCIDevice *vf, bool vf_mse)
{
    uint16_t command = pci_get_word(vf->config + PCI_COMMAND);
    uint16_t wanted = vf_mse ? (command | PCI_COMMAND_MEMORY)
                             : (command & ~PCI_COMMAND_MEMORY);

    if (wanted != command) {
        pci_default_write_config(vf, PCI_COMMAND, wanted, 2);
    }
}

static void a4s_config_write(PCIDevice *dev, uint32_t address, uint32_t value,
                             int len)
{
    A4sPf *s = a4s_pf_of(dev);
    PCIDevice *pf = PCI_DEVICE(s);
    const uint16_t function = a4s_function_of(dev);
    struct a4s_cfg_write req = {
        .offset = address, .size = len, .devfn = dev->devfn, .value = value
    };
    struct a4s_cfg_write_reply out;
    const uint16_t sriov = s->layout.sriov_offset;
    uint32_t mirrored;
    A4sMessage reply;
    int i;

    trace_aie4sim_config_write(function, address, len, value);
    reply = a4s_link_call(s->link, A4S_CFG_WRITE, function, &req, sizeof(req),
                          NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(out)) {
        a4s_message_free(&reply);
        return;
    }
    memcpy(&out, a4s_message_payload(&reply), sizeof(out));
    a4s_message_free(&reply);

    /*
     * The mirror takes the model's result, not the guest's value: a write the
     * model refused (NumVFs above TotalVFs, say) changes nothing here either.
     */
    mirrored = out.dword >> ((address & 3) * 8);
    if (len < 4) {
        mirrored &= (1u << (len * 8)) - 1;
    }
    if (pci_is_vf(dev) && ranges_overlap(address, len, PCI_COMMAND, 2)) {
        const uint32_t shift =
            (PCI_COMMAND - (address & ~3u) - (address & 3)) * 8;
        if (out.vf_mse) {
            mirrored |= (uint32_t)PCI_COMMAND_MEMORY << shift;
        }
    }
    if (!pci_is_vf(dev) && sriov && ranges_overlap(address, len, sriov, 0x40)) {
        /*
         * First VF Offset and VF Stride are the model's; NumVFs is clamped
         * (CVE-2024-26327 class of bugs) even if the model were to allow more.
         */
        pci_set_word(pf->config + sriov + PCI_SRIOV_VF_OFFSET,
                     out.first_vf_offset);
        pci_set_word(pf->config + sriov + PCI_SRIOV_VF_STRIDE, out.vf_stride);
        if ((out.events & A4S_EV_VFS_CHANGED) && out.num_vfs) {
            a4s_refresh_layout(s); /* VF BAR sizes follow System Page Size */
        }
        if (ranges_overlap(address, len, sriov + PCI_SRIOV_NUM_VF, 2)) {
            const uint32_t at = sriov + PCI_SRIOV_NUM_VF - address;
            const uint32_t num = (mirrored >> (at * 8)) & 0xFFFF;
            if (num > s->layout.total_vfs) {
                mirrored &= ~(0xFFFFu << (at * 8));
            }
        }
    }
    pci_default_write_config(dev, address, mirrored, len);

    if (out.events & A4S_EV_FUNCTION_RESET) {
        /*
         * The model performed an FLR: the function's decode and bus mastering
         * are off, and a PF's VFs are gone.
         */
        if (!pci_is_vf(dev)) {
            pcie_sriov_pf_disable_vfs(dev);
            pci_default_write_config(dev, PCI_COMMAND, 0, 2);
        } else {
            pci_default_write_config(dev, PCI_COMMAND,
                                     out.vf_mse ? PCI_COMMAND_MEMORY : 0, 2);
        }
    }
    if (!pci_is_vf(dev) && sriov) {
        for (i = 0; i < pcie_sriov_num_vfs(pf); i++) {
            a4s_mirror_vf_command(pcie_sriov_get_vf_at_index(pf, i),
                                  out.vf_mse);
        }
    }
}

/* Time: lockstep SYNC */

static void a4s_sync_tick(void *opaque)
{
    A4sPf *s = opaque;
    struct a4s_sync req = { .time_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) };
    A4sMessage reply =
        a4s_link_call(s->link, A4S_SYNC, 0, &req, sizeof(req), NULL, 0);

    a4s_message_free(&reply);
    if (!a4s_link_down(s->link)) {
        timer_mod(s->sync_timer, req.time_ns + s->quantum_ns);
    }
}

/* The PF */

static void a4s_exit_notify(Notifier *notifier, void *data)
{
    A4sPf *s = container_of(notifier, A4sPf, exit_notifier);

    if (s->link) {
        a4s_link_close(s->link, "QEMU is exiting");
        s->link = NULL;
    }
}

/* Realize failed, or the device goes: the link and the migration blocker go. */
static void a4s_pf_drop_link(A4sPf *s, const char *reason)
{
    if (s->migration_blocker) {
        migrate_del_blocker(s->migration_blocker);
        error_free(s->migration_blocker);
        s->migration_blocker = NULL;
    }
    if (s->link) {
        qemu_set_fd_handler(a4s_link_fd(s->link), NULL, NULL, NULL);
        a4s_link_close(s->link, reason);
        s->link = NULL;
    }
}

static void a4s_pf_realize(PCIDevice *dev, Error **errp)
{
    A4sPf *s = AIE4SIM_PF(dev);
    A4sLinkOptions options = {
        .address = s->socket,
        .connect_timeout_s = s->connect_timeout_s,
        .reply_timeout_ms = s->reply_timeout_ms,
        .spin_us = s->spin_us,
        .spin_min_us = MIN(s->spin_min_us, s->spin_us),
        .quantum_ns = s->quantum_ns,
        .offer_guest_ram = false,
        .handler = a4s_handle_request,
        .opaque = s,
    };
    A4sMessage reply;
    struct a4s_layout *l = &s->layout;
    int i;

    if (!s->socket) {
        error_setg(errp,
                   "aie4sim-pf: socket=PATH (or tcp:HOST:PORT) is required");
        return;
    }
    s->dma.shared_ram_count = 0;
    if (s->share_ram) {
        a4s_dma_collect_ram(&s->dma);
    }
    options.offer_guest_ram = s->dma.shared_ram_count > 0;
    s->link = a4s_link_open(&options, errp);
    if (!s->link) {
        return;
    }
    s->dma.link = s->link;
    error_setg(&s->migration_blocker,
               "aie4sim-pf: the device's state lives in the external SystemC "
               "model, which is not migrated");
    if (migrate_add_blocker(s->migration_blocker, errp) < 0) {
        a4s_pf_drop_link(s, "migration is blocked, the device cannot be used");
        return;
    }
    if (options.offer_guest_ram && a4s_link_shared_memory(s->link) &&
        (a4s_link_peer_capabilities(s->link) & A4S_CAP_GUEST_RAM)) {
        a4s_dma_share_ram(&s->dma, false);
    }
    reply = a4s_link_call(s->link, A4S_LAYOUT, 0, NULL, 0, NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(*l)) {
        a4s_message_free(&reply);
        error_setg(errp,
                   "aie4sim-pf: the model did not describe its functions");
        a4s_pf_drop_link(s, "no layout");
        return;
    }
    memcpy(l, a4s_message_payload(&reply), sizeof(*l));
    a4s_message_free(&reply);
    if (!l->express_offset || l->express_offset >= 0x100 ||
        l->total_vfs > 255 ||
        (l->total_vfs && (!l->sriov_offset || l->sriov_offset < 0x100))) {
        error_setg(errp, "aie4sim-pf: the model's layout is not usable");
        a4s_pf_drop_link(s, "unusable layout");
        return;
    }

    pci_config_set_vendor_id(dev->config, l->vendor_id);
    pci_config_set_device_id(dev->config, l->device_id);
    pci_config_set_class(dev->config, l->class_code >> 8);
    pci_config_set_prog_interface(dev->config, l->class_code & 0xFF);
    for (i = 0; i < 6; i++) {
        if (l->pf_bars[i].flags & A4S_BAR_IMPLEMENTED) {
            a4s_init_bar(s, &s->bars[i], dev, 0, i, l->pf_bars[i].size);
            pci_register_bar(dev, i, a4s_bar_type(&l->pf_bars[i]),
                             &s->bars[i].region);
        }
    }
    /*
     * The mirror's capabilities sit where the model's are; their contents are
     * the model's.
     */
    if (pcie_endpoint_cap_init(dev, l->express_offset) < 0) {
        error_setg(errp, "aie4sim-pf: cannot mirror the PCIe capability");
        a4s_pf_drop_link(s, "cannot mirror the PCIe capability");
        return;
    }
    if (l->total_vfs) {
        uint16_t ari = l->ari_offset ? l->ari_offset : PCI_CONFIG_SPACE_SIZE;
        pcie_ari_init(dev, ari, 0);
        pcie_sriov_pf_init(dev, l->sriov_offset, TYPE_AIE4SIM_VF,
                           l->vf_device_id, l->total_vfs, l->total_vfs,
                           l->first_vf_offset, l->vf_stride);
        for (i = 0; i < 6; i++) {
            if (l->vf_bars[i].flags & A4S_BAR_IMPLEMENTED) {
                pcie_sriov_pf_init_vf_bar(dev, i, a4s_bar_type(&l->vf_bars[i]),
                                          l->vf_bars[i].size);
            }
        }
    }
    qemu_set_fd_handler(a4s_link_fd(s->link), a4s_socket_readable, NULL, s);
    s->exit_notifier.notify = a4s_exit_notify;
    qemu_add_exit_notifier(&s->exit_notifier);
    if (a4s_lockstep(s)) {
        s->sync_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, a4s_sync_tick, s);
        timer_mod(s->sync_timer,
                  qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) + s->quantum_ns);
    }
    info_report(
        "aie4sim: connected to %s at %s (%s%s), %u VFs possible%s",
        a4s_link_peer_name(s->link), s->socket,
        a4s_link_shared_memory(s->link) ? "shared-memory rings" : "socket only",
        !s->dma.shared_ram_count ? ", guest RAM not shareable: DMA by messages"
        : (a4s_link_peer_capabilities(s->link) & A4S_CAP_GUEST_RAM)
            ? ", guest RAM shared"
            : "",
        l->total_vfs, a4s_lockstep(s) ? ", lockstep" : "");
}

static void a4s_pf_exit(PCIDevice *dev)
{
    A4sPf *s = AIE4SIM_PF(dev);

    if (s->sync_timer) {
        timer_free(s->sync_timer);
        s->sync_timer = NULL;
    }
    if (s->layout.total_vfs) {
        pcie_sriov_pf_exit(dev);
    }
    if (s->link) {
        qemu_remove_exit_notifier(&s->exit_notifier);
    }
    a4s_pf_drop_link(s, "the device was removed");
}

static void a4s_pf_reset(DeviceState *qdev)
{
    A4sPf *s = AIE4SIM_PF(qdev);
    struct a4s_reset req = { .kind = A4S_RESET_SYSTEM };
    A4sMessage reply;

    if (!s->link) {
        return;
    }
    trace_aie4sim_reset(0);
    pcie_sriov_pf_disable_vfs(PCI_DEVICE(s));
    reply = a4s_link_call(s->link, A4S_RESET, 0, &req, sizeof(req), NULL, 0);
    a4s_message_free(&reply);
}

static Property a4s_pf_properties[] = {
    DEFINE_PROP_STRING("socket", A4sPf, socket),
    DEFINE_PROP_UINT64("quantum-ns", A4sPf, quantum_ns, 0),
    DEFINE_PROP_UINT32("spin-us", A4sPf, spin_us, 200),
    DEFINE_PROP_UINT32("spin-min-us", A4sPf, spin_min_us, 2),
    DEFINE_PROP_BOOL("share-ram", A4sPf, share_ram, true),
    DEFINE_PROP_UINT32("connect-timeout", A4sPf, connect_timeout_s, 30),
    DEFINE_PROP_UINT32("reply-timeout-ms", A4sPf, reply_timeout_ms, 5000),
    DEFINE_PROP_END_OF_LIST(),
};

static void a4s_pf_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = a4s_pf_realize;
    k->exit = a4s_pf_exit;
    k->config_read = a4s_config_read;
    k->config_write = a4s_config_write;
    k->vendor_id = 0x1022;
    k->device_id = 0x17F2;
    k->class_id = 0x1180;
    dc->desc = "aie4sim: a PCIe SR-IOV function modelled in SystemC";
    dc->reset = a4s_pf_reset;
    device_class_set_props(dc, a4s_pf_properties);
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

/* The VFs */

static void a4s_vf_realize(PCIDevice *dev, Error **errp)
{
    A4sVf *vf = AIE4SIM_VF(dev);
    A4sPf *s = a4s_pf_of(dev);
    const uint16_t function = a4s_function_of(dev);
    int i;

    for (i = 0; i < 6; i++) {
        const struct a4s_bar *bar = &s->layout.vf_bars[i];
        if (bar->flags & A4S_BAR_IMPLEMENTED) {
            a4s_init_bar(s, &vf->bars[i], dev, function, i, bar->size);
            pcie_sriov_vf_register_bar(dev, i, &vf->bars[i].region);
        }
    }
    if (s->layout.vf_express_offset &&
        pcie_endpoint_cap_init(dev, s->layout.vf_express_offset) < 0) {
        error_setg(errp, "aie4sim-vf: cannot mirror the PCIe capability");
    }
}

static void a4s_vf_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    PCIDeviceClass *k = PCI_DEVICE_CLASS(klass);

    k->realize = a4s_vf_realize;
    k->config_read = a4s_config_read;
    k->config_write = a4s_config_write;
    k->vendor_id = 0x1022;
    k->device_id = 0x17F3;
    k->class_id = 0x1180;
    dc->desc = "aie4sim: a VF of aie4sim-pf (created by SR-IOV)";
    dc->user_creatable = false;
    set_bit(DEVICE_CATEGORY_MISC, dc->categories);
}

static const TypeInfo a4s_types[] = {
    {
        .name = TYPE_AIE4SIM_PF,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(A4sPf),
        .class_init = a4s_pf_class_init,
        .interfaces = (InterfaceInfo[]){ { INTERFACE_PCIE_DEVICE }, {} },
    },
    {
        .name = TYPE_AIE4SIM_VF,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(A4sVf),
        .class_init = a4s_vf_class_init,
        .interfaces = (InterfaceInfo[]){ { INTERFACE_PCIE_DEVICE }, {} },
    },
};

DEFINE_TYPES(a4s_types)
