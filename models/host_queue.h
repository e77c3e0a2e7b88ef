#pragma once
// The user-mode queue a hardware context reads its commands from (docs/command-processor.md):
// the 32-byte host queue header of the 7.3.4 driver, the 64-byte packets of the AIE4 host
// queue ABI (EXEC_BUF, direct form), and the ERT command-BO header word the device completes.
// Plain C++: the guest test programs and the host model build the same structures.

#include <cstdint>

namespace aie4sim::models::hq {

struct Header {
    std::uint64_t read_index;   // written by the device: commands below it are complete
    std::uint16_t major;        // 1
    std::uint16_t minor;        // 0
    std::uint32_t capacity;     // packet slots, a power of two
    std::uint64_t write_index;  // written by user space
    std::uint64_t data_address; // device address of capacity x 64-byte packets
};
static_assert(sizeof(Header) == 32, "host queue header");

inline constexpr std::uint8_t kExecBuf = 1;
inline constexpr std::uint32_t kPacketSize = 64;
inline constexpr std::uint32_t kMaxCapacity = 256;

struct Packet {
    std::uint16_t reserved;          // 0
    std::uint8_t opcode;             // kExecBuf
    std::uint8_t chain_flag;         // 0: chains are not supported
    std::uint16_t count;             // payload bytes (>= 24)
    std::uint8_t distribute;         // 0
    std::uint8_t indirect;           // 0
    std::uint64_t completion_signal; // device address of the command BO header word, or 0
    // exec_buf (direct form)
    std::uint32_t dtrace_buf_addr_low;
    std::uint32_t control_code_addr_low;
    std::uint32_t control_code_addr_high;
    std::uint16_t args_len; // bytes: one u64 device address per argument
    std::uint16_t dtrace_buf_addr_high;
    std::uint32_t args_addr_low;
    std::uint32_t args_addr_high;
    std::uint8_t unused[24];
};
static_assert(sizeof(Packet) == kPacketSize, "host queue packet");

// ERT command header word (at completion_signal)
inline constexpr std::uint32_t kStateMask = 0xF;
inline constexpr std::uint32_t kStateNew = 1;
inline constexpr std::uint32_t kStateRunning = 3;
inline constexpr std::uint32_t kStateCompleted = 4;
inline constexpr std::uint32_t kStateError = 5;
inline constexpr std::uint32_t kOpcodeShift = 23;
inline constexpr std::uint32_t kOpcodeMask = 0x1F;
inline constexpr std::uint32_t kCountShift = 12;
inline constexpr std::uint32_t kStartDpu = 18;

// START_DPU payload, after the header word
struct StartDpu {
    std::uint64_t dtrace_buffer;
    std::uint64_t instruction_buffer;
    std::uint32_t instruction_size;
    std::uint16_t uc_index;
    std::uint16_t chained;
} __attribute__((packed));
static_assert(sizeof(StartDpu) == 24, "START_DPU payload");

// The record the device writes to a packet's dtrace buffer when one is given.
inline constexpr std::uint32_t kTraceMagic = 0x52543441; // "A4TR"
struct TraceRecord {
    std::uint32_t magic;
    std::uint32_t status;   // 0: ok; otherwise the control code status (see the doc)
    std::uint64_t start_ns; // simulated time the command started on the array
    std::uint64_t end_ns;   // and finished
    std::uint64_t cycles;   // array cycles
};
static_assert(sizeof(TraceRecord) == 32, "trace record");

} // namespace aie4sim::models::hq
