#pragma once
// The management mailbox protocol between the amdxdna driver and the NPU firmware, as the
// driver in Debian's 7.3.4 kernel speaks it (docs/driver/amdxdna-7.3.4.md, sections 3 to 5):
// mailbox_info, the 16-byte message header, opcodes, and the exact reply payload sizes.

#include <cstdint>

namespace aie4sim::models::mgmt {

// mailbox_info: 16 words at BAR2 + 0, written by the firmware.
namespace info {
inline constexpr std::uint32_t kSize = 64;
inline constexpr std::uint32_t kValid = 0x00;
inline constexpr std::uint32_t kProtocolMajor = 0x04;
inline constexpr std::uint32_t kProtocolMinor = 0x08;
inline constexpr std::uint32_t kX2iTailOffset = 0x0C;
inline constexpr std::uint32_t kX2iHeadOffset = 0x10;
inline constexpr std::uint32_t kX2iBufferAddr = 0x14;
inline constexpr std::uint32_t kX2iBufferSize = 0x18;
inline constexpr std::uint32_t kI2xTailOffset = 0x1C;
inline constexpr std::uint32_t kI2xHeadOffset = 0x20;
inline constexpr std::uint32_t kI2xBufferAddr = 0x24;
inline constexpr std::uint32_t kI2xBufferSize = 0x28;
inline constexpr std::uint32_t kI2xMsiIdx = 0x2C;
} // namespace info

// Message header: total_size (payload bytes), sz_ver, id, opcode.
inline constexpr std::uint32_t kHeaderSize = 16;
inline constexpr std::uint32_t kTombstone = 0xDEADFACE;
inline constexpr std::uint32_t kIdMagic = 0x1D000000;
inline constexpr std::uint32_t kIdMagicMask = 0xFF000000;

struct Header {
    std::uint32_t total_size = 0;
    std::uint32_t sz_ver = 0;
    std::uint32_t id = 0;
    std::uint32_t opcode = 0;
};

enum Opcode : std::uint32_t {
    kEcho = 0x10001,
    kIdentify = 0x10002,
    kSuspend = 0x10003,
    kAsyncEvent = 0x10004,
    kGetTelemetry = 0x10006,
    kSetRuntimeConfig = 0x10007,
    kCalibrateClock = 0x10009,
    kAttachWorkBuffer = 0x1000D,
    kReleaseWorkBuffer = 0x1000E,
    kQueryCertFirmwareVersion = 0x1000F,
    kCreateVfs = 0x20001,
    kDestroyVfs = 0x20002,
    kConfigureVf = 0x20003,
    kCreatePartition = 0x30001,
    kDestroyPartition = 0x30002,
    kCreateHwContext = 0x30003,
    kDestroyHwContext = 0x30004,
    kConfigureHwContext = 0x30005,
    kAieTileInfo = 0x30006,
    kAieVersionInfo = 0x30007,
    kAieColumnInfo = 0x30008,
    kGetDpmFreqTable = 0x30012,
};

// Reply status, the first word of every reply payload.
enum Status : std::uint32_t { kOk = 0, kError = 1, kNotSupported = 2 };

// Payload sizes the driver sends, and the reply sizes it accepts (a reply of another size
// breaks the driver's channel). Opcodes this driver never sends keep the sizes of the wider
// AIE4 protocol, so a NOTSUPP reply to them is still well-formed.
struct OpcodeInfo {
    std::uint32_t opcode;
    const char* name;
    std::uint32_t request_size;
    std::uint32_t reply_size;
};
const OpcodeInfo* find_opcode(std::uint32_t opcode);
const char* opcode_name(std::uint32_t opcode);
// The reply size of an opcode nobody knows: a bare status word.
inline constexpr std::uint32_t kDefaultReplySize = 4;

// PF-only opcodes (0x2xxxx) and VF-only ones (0x3xxxx).
inline bool pf_only(std::uint32_t opcode) {
    return (opcode >> 16) == 0x2;
}
inline bool vf_only(std::uint32_t opcode) {
    return (opcode >> 16) == 0x3;
}

} // namespace aie4sim::models::mgmt
