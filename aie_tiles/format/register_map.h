#pragma once
// The register map of our AIE4 tile model (docs/aie_tiles.md §2). AIE4's real
// offsets live in a non-public aie-rt header (reference §5), so the offsets are our own; the
// structure follows what is public: lock request windows with a 0x400 stride per lock and
// +0x200 for acquire, BD strides of 0x30, per-channel start queues with token-issue bit 31.
//
// Every tile kind uses the same layout relative to a register base: 0 for compute and shim
// tiles, 0x400000 for a memory tile (its 4 MiB memory occupies the first four address rows).

#include "aie_tiles/format/geometry.h"

#include <cstdint>

namespace aie4sim::tiles {

enum class DmaDir { s2mm = 0, mm2s = 1 };

inline const char* dma_dir_name(DmaDir dir) {
    return dir == DmaDir::s2mm ? "s2mm" : "mm2s";
}

// Per-kind resources (reference §2-4; memory tile channel counts are our documented choice:
// AIE4 single-application mode doubles aie-rt's per-half tables; we model 8 S2MM + 10 MM2S,
// the data ports the physical stream-switch map shows).
struct TileResources {
    unsigned locks;
    unsigned s2mm_channels;
    unsigned mm2s_channels;
    bool bd_pool_per_channel; // memory tile: 16 BDs per channel; others: 16 shared BDs
    std::uint32_t memory_bytes;
};

inline constexpr unsigned kBdsPerPool = 16;
inline constexpr unsigned kTaskQueueDepth = 16;
inline constexpr unsigned kMaxRepeat = 4096; // executions of one task
inline constexpr int kLockMin = -64;
inline constexpr int kLockMax = 63;

inline constexpr TileResources kCoreResources{16, 2, 1, false, 128u * 1024u};
inline constexpr TileResources kMemResources{64, 8, 10, true, 4u * 1024u * 1024u};
inline constexpr TileResources kShimResources{16, 2, 2, false, 0};

inline constexpr const TileResources& resources(TileKind kind) {
    return kind == TileKind::core ? kCoreResources
                                  : (kind == TileKind::mem ? kMemResources : kShimResources);
}

inline unsigned channel_count(TileKind kind, DmaDir dir) {
    const TileResources& r = resources(kind);
    return dir == DmaDir::s2mm ? r.s2mm_channels : r.mm2s_channels;
}

namespace regs {

inline constexpr std::uint32_t kMemTileRegisterBase = 0x400000;
inline constexpr std::uint32_t register_base(TileKind kind) {
    return kind == TileKind::mem ? kMemTileRegisterBase : 0;
}

// ---- Core register block (compute tiles only), docs/aie_tiles.md §7 ----
inline constexpr std::uint32_t kCore = 0x30000;
inline constexpr std::uint32_t kCoreControl = kCore + 0x00;    // W: bit0 start, bit1 reset
inline constexpr std::uint32_t kCoreStatus = kCore + 0x04;     // R: see CoreStatus bits
inline constexpr std::uint32_t kCoreIterations = kCore + 0x08; // R: kernel runs completed
inline constexpr std::uint32_t kCoreKernel = kCore + 0x10;     // kernel id (kernel_api.h)
inline constexpr std::uint32_t kCoreInnerCount = kCore + 0x14;
inline constexpr std::uint32_t kCoreOuterCount = kCore + 0x18;
inline constexpr std::uint32_t kCoreFlags = kCore + 0x1C;
inline constexpr std::uint32_t kCoreParams = kCore + 0x20; // 8 words
inline constexpr std::uint32_t kCorePorts = kCore + 0x40;  // 3 ports x 0x20
inline constexpr std::uint32_t kCorePortStride = 0x20;
inline constexpr std::uint32_t kCorePortBase = 0x00;
inline constexpr std::uint32_t kCorePortSlots = 0x04;
inline constexpr std::uint32_t kCorePortSlotStride = 0x08; // bytes between ring slots
inline constexpr std::uint32_t kCorePortAcquire = 0x0C;
inline constexpr std::uint32_t kCorePortRelease = 0x10;
inline constexpr std::uint32_t kCorePortLevel = 0x14;
inline constexpr std::uint32_t kCoreBusyCyclesLow = kCore + 0xA0; // R: cycles spent in kernels
inline constexpr std::uint32_t kCoreBusyCyclesHigh = kCore + 0xA4;
inline constexpr unsigned kCorePortCount = 3; // 0 = in0, 1 = in1, 2 = out

inline constexpr std::uint32_t kCoreControlStart = 1u << 0;
inline constexpr std::uint32_t kCoreControlReset = 1u << 1;
inline constexpr std::uint32_t kCoreStatusRunning = 1u << 0;
inline constexpr std::uint32_t kCoreStatusDone = 1u << 1;
inline constexpr std::uint32_t kCoreStatusError = 1u << 2;
inline constexpr std::uint32_t kCoreStatusLockStall = 1u << 3;
inline constexpr unsigned kCoreStatusErrorShift = 8; // [15:8] error code
// FLAGS: bit0 = accumulate control; [6:4] = index of the params word whose bit 0 the core
// clears on the first inner iteration of each outer iteration and sets on the others.
inline constexpr std::uint32_t kCoreFlagAccumulate = 1u << 0;
inline constexpr unsigned kCoreFlagParamShift = 4;

enum class CoreError : std::uint32_t {
    none = 0,
    kernel = 1,     // the kernel refused the invocation
    config = 2,     // zero counts, lock id out of range
    lock_range = 3, // a release or acquire would leave -64..63
};

// Lock operand of a core port or of a BD: enable, mode, id and a 7-bit signed value.
// Core port ACQUIRE/RELEASE word: [31] enable, [30] acquire-equal, [21:16] id, [6:0] value.
inline constexpr std::uint32_t core_lock_word(bool enable, bool equal, unsigned id, int value) {
    return (enable ? 1u << 31 : 0u) | (equal ? 1u << 30 : 0u) | ((id & 0x3Fu) << 16) |
           (static_cast<std::uint32_t>(value) & 0x7Fu);
}

// ---- Stream switch ----
inline constexpr std::uint32_t kSwitch = 0x3F000;
inline constexpr std::uint32_t kSwitchMaster = kSwitch + 0x000; // + 4*master
inline constexpr std::uint32_t kSwitchSlave = kSwitch + 0x100;  // + 4*slave
inline constexpr std::uint32_t kSwitchSlot = kSwitch + 0x200;   // + 0x10*slave + 4*slot
inline constexpr unsigned kSlotsPerSlave = 4;
// MASTER: [31] enable, [30] packet mode, [5:0] source slave (circuit mode).
// SLAVE:  [31] enable, [30] packet mode.
// SLOT:   [31] enable, [28:24] packet id, [20:16] id mask, [5:0] master port.
inline constexpr std::uint32_t kSwitchEnable = 1u << 31;
inline constexpr std::uint32_t kSwitchPacket = 1u << 30;
inline constexpr std::uint32_t switch_master_circuit(unsigned slave) {
    return kSwitchEnable | (slave & 0x3Fu);
}
inline constexpr std::uint32_t switch_master_packet() {
    return kSwitchEnable | kSwitchPacket;
}
inline constexpr std::uint32_t switch_slot(unsigned id, unsigned mask, unsigned master) {
    return kSwitchEnable | ((id & 0x1Fu) << 24) | ((mask & 0x1Fu) << 16) | (master & 0x3Fu);
}

// ---- Locks ----
// Request windows: base + id*0x400 + (0x200 for an acquire) + ((value & 0x7F) << 2). A read
// performs the request and returns 1 on success, 0 when an acquire would block or the result
// would leave -64..63. kLockRequest serves release and acquire-greater-or-equal, kLockRequestEq
// acquire-equal (its non-acquire half is unmapped).
inline constexpr std::uint32_t kLockRequest = 0x40000;
inline constexpr std::uint32_t kLockRequestEq = 0x50000;
inline constexpr std::uint32_t kLockIdStride = 0x400;
inline constexpr std::uint32_t kLockAcquireOffset = 0x200;
inline constexpr std::uint32_t kLockValue = 0x60000; // + 0x10*id: read/write, sign-extended
inline constexpr std::uint32_t kLockValueStride = 0x10;
inline constexpr std::uint32_t kLockError = 0x60400; // 2 words: sticky bitmap, write 1 clears

inline constexpr std::uint32_t lock_request(unsigned id, bool acquire, int value) {
    return kLockRequest + id * kLockIdStride + (acquire ? kLockAcquireOffset : 0u) +
           ((static_cast<std::uint32_t>(value) & 0x7Fu) << 2);
}
inline constexpr std::uint32_t lock_request_eq(unsigned id, int value) {
    return kLockRequestEq + id * kLockIdStride + kLockAcquireOffset +
           ((static_cast<std::uint32_t>(value) & 0x7Fu) << 2);
}

// ---- DMA ----
inline constexpr std::uint32_t kDma = 0x70000;
inline constexpr std::uint32_t kBdStride = 0x30; // 12 words (bd_format.h)
inline constexpr std::uint32_t kBdPoolStride = 0x400;
inline constexpr std::uint32_t kDmaChannels = kDma + 0x8000;
inline constexpr std::uint32_t kDmaMm2sChannels = kDma + 0x8400;
inline constexpr std::uint32_t kDmaChannelStride = 0x20;
inline constexpr std::uint32_t kChannelCtrl = 0x00;       // W: bit1 reset
inline constexpr std::uint32_t kChannelStartQueue = 0x04; // W: push a task
inline constexpr std::uint32_t kChannelStatus = 0x08;     // R
inline constexpr std::uint32_t kChannelTokens = 0x0C;     // R: tokens issued since reset
inline constexpr std::uint32_t kChannelErrorInfo = 0x10;  // R: detail of the last error
inline constexpr std::uint32_t kChannelTasksDone = 0x14;  // R: tasks completed since reset

inline constexpr std::uint32_t kChannelCtrlReset = 1u << 1;

// START_QUEUE: [3:0] start BD, [27:16] repeat (executions - 1), [31] issue a token.
inline constexpr std::uint32_t start_queue(unsigned bd, unsigned executions, bool token) {
    return (bd & 0xFu) | (((executions - 1) & 0xFFFu) << 16) | (token ? 1u << 31 : 0u);
}

// STATUS bits.
inline constexpr std::uint32_t kStatusStateMask = 0x3; // 0 idle, 1 running, 2 halted on error
inline constexpr std::uint32_t kStatusLockStall = 1u << 2;
inline constexpr std::uint32_t kStatusStreamStall = 1u << 3;
inline constexpr std::uint32_t kStatusOverflow = 1u << 4; // sticky: a push found the queue full
inline constexpr unsigned kStatusBdShift = 8;             // [11:8] current BD
inline constexpr unsigned kStatusQueueShift = 16;         // [20:16] pending tasks
inline constexpr unsigned kStatusErrorShift = 24;         // [31:24] error code

enum class DmaError : std::uint32_t {
    none = 0,
    bd_invalid = 1,    // the BD's valid bit is clear
    bd_field = 2,      // a field is out of range for this tile kind
    address_range = 3, // an address falls outside the tile memory
    host_access = 4,   // the host bus returned an error response
    no_route = 5,      // the stream switch routes the data nowhere
    lock_range = 6,    // a lock operation would leave -64..63
};

inline constexpr std::uint32_t bd_offset(TileKind kind, DmaDir dir, unsigned channel, unsigned bd) {
    const TileResources& r = resources(kind);
    const unsigned pool =
        !r.bd_pool_per_channel ? 0 : (dir == DmaDir::s2mm ? channel : r.s2mm_channels + channel);
    return register_base(kind) + kDma + pool * kBdPoolStride + bd * kBdStride;
}

inline constexpr std::uint32_t channel_offset(TileKind kind, DmaDir dir, unsigned channel,
                                              std::uint32_t reg) {
    return register_base(kind) + (dir == DmaDir::s2mm ? kDmaChannels : kDmaMm2sChannels) +
           channel * kDmaChannelStride + reg;
}

} // namespace regs

} // namespace aie4sim::tiles
