/*
 * The aie4sim co-simulation protocol between QEMU's aie4sim PCIe device and the SystemC model:
 * message layouts and constants. This header is the single definition both sides compile:
 * the QEMU device (C) and the model's protocol library (C++). docs/cosim-protocol.md is its
 * prose companion.
 *
 * All fields are little-endian. Every message starts with a 24-byte header; `size` counts the
 * header and the payload. Requests carry an `id` their reply echoes. A posted request
 * (A4S_F_POSTED) gets no reply.
 */
#ifndef AIE4SIM_WIRE_H
#define AIE4SIM_WIRE_H

#include <stdint.h>

/* C, shared with QEMU: C names and idioms, outside our C++ lint rules. */
/* NOLINTBEGIN */

#define A4S_PROTOCOL_MAJOR 1
#define A4S_PROTOCOL_MINOR 2

/* The largest message either side accepts (a DMA chunk of 64 KiB plus its header). */
#define A4S_MAX_PAYLOAD (64u * 1024u + 64u)
#define A4S_MAX_DMA_CHUNK (64u * 1024u)
#define A4S_MAX_MMIO_BYTES 8u

enum a4s_type {
    A4S_HELLO = 1,      /* both ways, first message: version, role, capabilities */
    A4S_LAYOUT = 2,     /* QEMU -> model: describe the functions (reply: a4s_layout) */
    A4S_CFG_READ = 3,   /* QEMU -> model: configuration read of one function */
    A4S_CFG_WRITE = 4,  /* QEMU -> model: configuration write (reply: the DWORD after it) */
    A4S_MMIO_READ = 5,  /* QEMU -> model: memory read by bus address */
    A4S_MMIO_WRITE = 6, /* QEMU -> model: memory write by bus address (posted in free mode) */
    A4S_DMA_READ = 7,   /* model -> QEMU: read guest memory on behalf of a function */
    A4S_DMA_WRITE = 8,  /* model -> QEMU: write guest memory on behalf of a function */
    A4S_MSI = 9,        /* model -> QEMU: an MSI-X message of a function (posted) */
    A4S_SYNC = 10,      /* QEMU -> model: QEMU's virtual time; lockstep: run up to it */
    A4S_RESET = 11,     /* QEMU -> model: system reset of the device */
    A4S_KICK = 12,      /* socket only: "messages are waiting in your ring" (no payload) */
    A4S_SHM_OFFER = 13, /* model -> QEMU over a UNIX socket, with a memfd (SCM_RIGHTS) */
    A4S_GOODBYE = 14,   /* either way, posted: the sender is exiting, and why */
    A4S_GUEST_RAM = 15, /* 1.1, QEMU -> model over a UNIX socket: guest RAM, memfds attached */
    A4S_DMA_MAP = 16,   /* 1.1, model -> QEMU: where a DMA range lands in that RAM */
    A4S_ATTACH = 17,    /* 1.2, guest QEMU -> model: serve this connection one VF only */
    A4S_DETACH = 18,    /* 1.2, guest QEMU -> model: give the VF back (the model resets it) */
    A4S_NOTICE = 19,    /* 1.2, model -> guest QEMU (posted): the host changed the VF */
    A4S_TYPE_LIMIT = 20
};

/* Header flags */
#define A4S_F_REPLY 0x0001u
#define A4S_F_POSTED 0x0002u

/* Reply status */
enum a4s_status {
    A4S_OK = 0,
    A4S_E_UNSUPPORTED = 1, /* Unsupported Request: nothing decodes the address/function */
    A4S_E_ABORT = 2,       /* the target failed the request (completer abort, DMA fault) */
    A4S_E_MALFORMED = 3,   /* the message itself was bad (size, field, type) */
    A4S_E_STATE = 4,       /* not allowed now (e.g. before HELLO) */
    A4S_E_REFUSED = 5      /* 1.2: ATTACH refused; the reply carries a struct a4s_refusal */
};

/* Addressing of functions: 0 is the PF, n is VF n (1-based). */
#define A4S_FUNCTION_PF 0u

struct a4s_header {
    uint32_t size;     /* whole message, header included */
    uint16_t type;     /* enum a4s_type */
    uint16_t flags;    /* A4S_F_* */
    uint32_t id;       /* request id; a reply echoes it */
    uint16_t function; /* 0 = PF, n = VF n */
    uint16_t status;   /* replies: enum a4s_status; requests: 0 */
    uint64_t time_ns;  /* the sender's clock: QEMU virtual time or SystemC time */
} __attribute__((packed));

#define A4S_ROLE_QEMU 1u
#define A4S_ROLE_MODEL 2u

/* Capability bits (HELLO): a feature is used only when both sides offer it. */
#define A4S_CAP_SHM 0x1u       /* rings in shared memory, handed over a UNIX socket */
#define A4S_CAP_LOCKSTEP 0x2u  /* blocking SYNC at every quantum (deterministic with icount) */
#define A4S_CAP_GUEST_RAM 0x4u /* 1.1: QEMU shares guest RAM; the model translates, then copies */
#define A4S_CAP_ATTACH 0x8u    /* 1.2: the model serves guest QEMUs that ATTACH to one VF each */

struct a4s_hello {
    uint16_t major;
    uint16_t minor;
    uint32_t role;         /* A4S_ROLE_* */
    uint64_t capabilities; /* A4S_CAP_* */
    uint64_t quantum_ns;   /* QEMU: the SYNC period it will use (0: no SYNC) */
    char name[32];         /* "qemu 7.2.x" / "aie4sim model", NUL-padded */
} __attribute__((packed));

#define A4S_BAR_IMPLEMENTED 0x1u
#define A4S_BAR_64BIT 0x2u
#define A4S_BAR_PREFETCH 0x4u

struct a4s_bar {
    uint64_t size;
    uint32_t flags; /* A4S_BAR_* */
    uint32_t reserved;
} __attribute__((packed));

/* How QEMU mirrors the functions: what a PCI core needs to map BARs and create VFs. The model
 * stays the source of truth for every configuration register. */
struct a4s_layout {
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t vf_device_id;
    uint16_t total_vfs;
    uint16_t express_offset; /* capability offsets in the PF (0: absent) */
    uint16_t msix_offset;
    uint16_t ari_offset;
    uint16_t sriov_offset;
    uint16_t first_vf_offset; /* current values */
    uint16_t vf_stride;
    uint16_t vf_express_offset; /* capability offsets in a VF */
    uint16_t vf_ari_offset;
    uint32_t class_code;
    uint32_t supported_page_sizes;
    struct a4s_bar pf_bars[6];
    struct a4s_bar vf_bars[6]; /* one VF's BAR sizes at the current System Page Size */
} __attribute__((packed));

struct a4s_cfg_read {
    uint16_t offset;
    uint16_t size;  /* 1, 2 or 4 */
    uint16_t devfn; /* QEMU's view of the function's devfn, for cross-checking */
    uint16_t reserved;
} __attribute__((packed));

struct a4s_cfg_read_reply {
    uint32_t value;
    uint32_t reserved;
} __attribute__((packed));

struct a4s_cfg_write {
    uint16_t offset;
    uint16_t size;
    uint16_t devfn;
    uint16_t reserved;
    uint32_t value;
    uint32_t reserved2;
} __attribute__((packed));

/* Events a configuration write caused, so QEMU keeps its mirror in step. */
#define A4S_EV_FUNCTION_RESET 0x1u /* the function performed an FLR */
#define A4S_EV_VFS_CHANGED 0x2u    /* VF Enable, NumVFs or VF MSE changed */

struct a4s_cfg_write_reply {
    uint32_t dword;   /* the aligned DWORD containing the write, after it */
    uint32_t events;  /* A4S_EV_* */
    uint16_t num_vfs; /* VFs that exist now (VF Enable ? NumVFs : 0) */
    uint16_t first_vf_offset;
    uint16_t vf_stride;
    uint16_t vf_mse; /* 1 when VF Memory Space Enable is set */
} __attribute__((packed));

struct a4s_mmio {
    uint64_t address; /* bus address: the model decodes it */
    uint32_t size;    /* 1, 2, 4 or 8 */
    uint8_t bar_hint; /* the BAR QEMU mapped the access through, for cross-checking */
    uint8_t reserved[3];
    /* MMIO_WRITE: `size` bytes of data follow */
} __attribute__((packed));

/* A translated request (PCIe Address Type "translated"): the address is a host physical
 * address, carried out on system memory without the IOMMU. The PSP model uses it for the
 * firmware images the driver hands over as physical addresses. */
#define A4S_DMA_TRANSLATED 0x1u

struct a4s_dma {
    uint64_t address; /* bus address as the function issues it (IOVA under an IOMMU) */
    uint32_t size;    /* at most A4S_MAX_DMA_CHUNK */
    uint32_t flags;   /* A4S_DMA_* */
    /* DMA_WRITE: `size` bytes of data follow. DMA_READ reply: `size` bytes */
} __attribute__((packed));

struct a4s_msi {
    uint64_t address;
    uint32_t data;
    uint16_t vector;
    uint16_t reserved;
} __attribute__((packed));

struct a4s_sync {
    uint64_t time_ns;
} __attribute__((packed));

#define A4S_RESET_SYSTEM 1u

struct a4s_reset {
    uint32_t kind;
    uint32_t reserved;
} __attribute__((packed));

struct a4s_shm_offer {
    uint64_t region_size;
    uint32_t ring_size;       /* bytes of each ring's data area (a power of two) */
    uint32_t to_model_offset; /* struct a4s_ring_control of the QEMU -> model ring */
    uint32_t to_qemu_offset;  /* struct a4s_ring_control of the model -> QEMU ring */
    uint32_t presence_offset; /* 1.1: two struct a4s_presence, QEMU's then the model's, each
                                 A4S_PRESENCE_SIZE bytes (aie4sim_wait.h); 0 in 1.0 */
} __attribute__((packed));

/* GUEST_RAM (posted, sent once after SHM_OFFER when both sides offer A4S_CAP_GUEST_RAM): the
 * guest RAM blocks QEMU shares, one descriptor per block in the same SCM_RIGHTS message, in
 * block order. Block indexes in DMA_MAP replies refer to this list. */
#define A4S_MAX_RAM_BLOCKS 8u

struct a4s_guest_ram {
    uint32_t count;   /* blocks that follow, at most A4S_MAX_RAM_BLOCKS */
    uint32_t windows; /* 1.2 (0 in 1.1, "reserved"): struct a4s_ram_window after the blocks */
} __attribute__((packed));

struct a4s_ram_block {
    uint64_t size; /* bytes the model may map from offset 0 of the descriptor */
    uint32_t flags;
    uint32_t reserved;
    char name[32]; /* QEMU's RAM block name, NUL-padded (for logs) */
} __attribute__((packed));

/* 1.2: where the blocks sit in the function's DMA address space, sent only when that space is
 * fixed (no IOMMU in front of the function: bus address = guest-physical address). The model
 * then translates a DMA wholly inside one window itself, with no DMA_MAP round trip, so a
 * guest QEMU that is slow to answer never holds up the device's DMA. Anything else still goes
 * by DMA_MAP. Bus Master Enable is the model's function's to enforce. */
#define A4S_MAX_RAM_WINDOWS 32u

struct a4s_ram_window {
    uint64_t address; /* bus address of the window's first byte */
    uint64_t length;
    uint64_t offset; /* in the block */
    uint32_t block;  /* index into the GUEST_RAM blocks */
    uint32_t reserved;
} __attribute__((packed));

/* DMA_MAP: the model asks where `size` bytes at a function's bus address land, as the function
 * would reach them (IOMMU translation, permissions). A failed translation (an IOMMU fault,
 * nothing there) gets A4S_E_ABORT, and QEMU's IOMMU has recorded the fault as it would for any
 * DMA. The reply may cover less than asked; the model asks again for the rest. */
#define A4S_DMA_MAP_WRITE 0x2u /* flags: the model will write (else read) */
#define A4S_MAX_DMA_MAP (16u << 20)
#define A4S_RAM_NONE 0xFFFFFFFFu /* an extent that is not shared RAM: use DMA_READ/WRITE */

struct a4s_dma_map {
    uint64_t address; /* as in a4s_dma */
    uint32_t size;    /* at most A4S_MAX_DMA_MAP */
    uint32_t flags;   /* A4S_DMA_TRANSLATED, A4S_DMA_MAP_WRITE */
} __attribute__((packed));

struct a4s_dma_map_reply {
    uint32_t count; /* extents that follow */
    uint32_t reserved;
    uint64_t mapped; /* bytes they cover, from the request's address on */
} __attribute__((packed));

struct a4s_dma_extent {
    uint32_t block;  /* GUEST_RAM block index, or A4S_RAM_NONE */
    uint32_t length; /* bytes */
    uint64_t offset; /* in the block */
} __attribute__((packed));

#define A4S_MAX_DMA_EXTENTS                                                                        \
    ((A4S_MAX_PAYLOAD - sizeof(struct a4s_dma_map_reply)) / sizeof(struct a4s_dma_extent))

/* ATTACH (1.2): the first request of a guest QEMU, the one VM that VF is passed through to.
 * Until it is accepted the connection may send nothing but LAYOUT. Once attached, the model
 * serves the connection as that VF alone, whatever function a request names:
 *   CFG_READ/CFG_WRITE  the VF's configuration space (an absent VF: A4S_E_UNSUPPORTED);
 *   MMIO_READ/WRITE     `address` is an offset in the VF's BAR `bar_hint` (the guest's BAR
 *                       addresses mean nothing to the model); the model adds the VF's bus
 *                       address as the host programmed it. Outside the BAR, or while the VF
 *                       does not decode (VF Enable or VF MSE clear): A4S_E_UNSUPPORTED;
 *   RESET               an FLR of the VF (a guest's reset never reaches the device);
 *   SYNC                answered with the model's time, never advances it.
 * The VF's DMA and MSI-X go to this connection only. A refused ATTACH gets A4S_E_REFUSED and a
 * struct a4s_refusal; the connection may ATTACH again (another VF, or later). */
struct a4s_attach {
    uint16_t vf; /* 1-based VF number */
    uint16_t reserved;
    uint32_t reserved2;
} __attribute__((packed));

#define A4S_REFUSED_NO_VF 1u  /* the VF does not exist now (VF Enable clear, NumVFs < vf) */
#define A4S_REFUSED_TAKEN 2u  /* another connection holds the VF */
#define A4S_REFUSED_BEYOND 3u /* vf is 0 or above TotalVFs */
#define A4S_REFUSED_HOST 4u   /* this connection already serves the PF */

struct a4s_refusal {
    uint32_t code; /* A4S_REFUSED_* */
    uint32_t reserved;
    char reason[120]; /* for the log, NUL-padded */
} __attribute__((packed));

/* NOTICE (1.2, posted, model -> an attached guest QEMU): what the host did to the VF. The
 * model already behaves accordingly; QEMU only reports it (and drops its BAR mirror state). */
#define A4S_NOTICE_REMOVED 1u  /* the VF is gone (SR-IOV disabled, PF reset): surprise removal */
#define A4S_NOTICE_RESET 2u    /* the host reset the VF (FLR): its state is the power-on one */
#define A4S_NOTICE_RETURNED 3u /* the VF exists again (SR-IOV re-enabled) */

struct a4s_notice {
    uint32_t kind; /* A4S_NOTICE_* */
    uint32_t reserved;
    char reason[120];
} __attribute__((packed));

struct a4s_goodbye {
    char reason[120];
} __attribute__((packed));

#ifdef __cplusplus
static_assert(sizeof(struct a4s_header) == 24, "a4s_header layout");
static_assert(sizeof(struct a4s_layout) == 224, "a4s_layout layout");
static_assert(sizeof(struct a4s_cfg_write_reply) == 16, "a4s_cfg_write_reply layout");
#else
_Static_assert(sizeof(struct a4s_header) == 24, "a4s_header layout");
_Static_assert(sizeof(struct a4s_layout) == 224, "a4s_layout layout");
_Static_assert(sizeof(struct a4s_cfg_write_reply) == 16, "a4s_cfg_write_reply layout");
#endif

/* NOLINTEND */

#endif /* AIE4SIM_WIRE_H */
