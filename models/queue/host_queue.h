#pragma once
// The user-mode queue of a hardware context as XRT 2.25's amdxdna shim writes it and the
// device reads it (docs/command-processor.md §2): the 128-byte "queue 1.0" header, 64-byte
// packets (a direct EXEC_BUF for one uC; an indirect "distribute" packet whose entries point at
// host_indirect_data blocks, one per uC; runlist members marked with chain_flag), and one
// encoder/decoder that the model, the host model and the guest programs share.
// Plain C++17 (no SystemC, no Boost): it is linked statically into guest programs.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace aie4sim::hq {

inline constexpr std::uint32_t kHeaderSize = 128;
inline constexpr std::uint32_t kPacketSize = 64;
inline constexpr std::uint32_t kIndirectDataSize = 32;
inline constexpr std::uint32_t kExecBufSize = 24;
inline constexpr std::uint32_t kIndirectEntrySize = 8;
// Entries of one indirect level (HSA_MAX_LEVEL1_INDIRECT_ENTRIES); XRT reserves this many
// host_indirect_data blocks per slot.
inline constexpr std::uint32_t kMaxIndirectEntries = 6;
// uCs one command may address, across all indirect levels.
inline constexpr std::uint32_t kMaxUcs = 64;
inline constexpr std::uint32_t kMaxCapacity = 256;
// Where the 7.3.4 kernel's WAIT_CMD reads write_index (its own 32-byte header): the device
// mirrors the queue's write_index there before it publishes read_index.
inline constexpr std::uint64_t kKernelWriteIndexOffset = 16;
inline constexpr std::uint64_t kWriteIndexOffset = 64;
inline constexpr std::uint64_t kDataAddressOffset = 120;

struct Header {
    std::uint64_t read_index;         // +0, written by the device
    std::uint16_t major;              // +8, 1
    std::uint16_t minor;              // +10, 0
    std::uint32_t capacity;           // +12, packet slots: a power of two
    std::uint64_t kernel_write_index; // +16, the device's mirror of write_index
    std::uint64_t padding0[5];
    std::uint64_t write_index; // +64, written by user space
    std::uint64_t padding1[6];
    std::uint64_t data_address; // +120, device address of the packet array
};
static_assert(sizeof(Header) == kHeaderSize, "queue 1.0 header");
static_assert(offsetof(Header, kernel_write_index) == kKernelWriteIndexOffset, "mirror slot");
static_assert(offsetof(Header, write_index) == kWriteIndexOffset, "write_index");
static_assert(offsetof(Header, data_address) == kDataAddressOffset, "data_address");

enum class PacketOpcode : std::uint8_t { config_cu = 0, exec_buf = 1, test = 2, exit = 3 };
const char* packet_opcode_name(std::uint8_t opcode);

inline constexpr std::uint8_t kTypeVendorSpecific = 0;
inline constexpr std::uint8_t kTypeInvalid = 1;
inline constexpr std::uint8_t kLastCommand = 0;
inline constexpr std::uint8_t kNotLastCommand = 1;

// The 8 bytes that start every packet and every host_indirect_data block.
struct CommonHeader {
    std::uint8_t type;        // kTypeVendorSpecific
    std::uint8_t fence_flags; // HSA barrier and fence scopes: ignored by the device
    std::uint8_t opcode;      // PacketOpcode
    std::uint8_t chain_flag;  // kNotLastCommand on every runlist member but the last
    std::uint16_t count;      // payload bytes: 24 (one exec_buf) or 8 per indirect entry
    std::uint8_t distribute;  // 1 on multi-uC packets (not interpreted)
    std::uint8_t indirect;    // 1: the payload is a list of indirect entries
};
static_assert(sizeof(CommonHeader) == 8, "common header");

// What one uC runs: its control code, and the argument words APPLY_OFFSET_57 reads.
struct ExecBuf {
    std::uint32_t dtrace_low;
    std::uint32_t code_low;
    std::uint32_t code_high;
    std::uint16_t args_len; // bytes of 32-bit argument words (XRT: 0, it patches on the host)
    std::uint16_t dtrace_high;
    std::uint32_t args_low;
    std::uint32_t args_high;
};
static_assert(sizeof(ExecBuf) == kExecBufSize, "exec_buf");

// Word 1: address bits 56:32 in [24:0], the uC index in [31:25].
struct IndirectEntry {
    std::uint32_t address_low;
    std::uint32_t address_high_uc;
};
static_assert(sizeof(IndirectEntry) == kIndirectEntrySize, "indirect entry");
inline constexpr std::uint32_t kUcIndexShift = 25;
inline constexpr std::uint32_t kIndirectHighMask = (1u << kUcIndexShift) - 1;

struct IndirectData {
    CommonHeader header;
    ExecBuf payload;
};
static_assert(sizeof(IndirectData) == kIndirectDataSize, "host_indirect_data");

struct Packet {
    CommonHeader header;
    std::uint64_t completion_signal; // device address of the command BO's header word, or 0
    std::uint8_t payload[48];        // an ExecBuf, or indirect entries
};
static_assert(sizeof(Packet) == kPacketSize, "host queue packet");

// One uC's part of a command, decoded.
struct UcCommand {
    unsigned uc_index = 0;
    std::uint64_t control_code = 0; // device address of the uC's first page
    std::uint64_t dtrace = 0;
    std::uint64_t args = 0;     // device address of the argument words
    std::uint32_t args_len = 0; // bytes

    [[nodiscard]] ExecBuf exec_buf() const;
};

struct Command {
    std::vector<UcCommand> ucs; // in packet order
    std::uint64_t completion_signal = 0;
    std::uint8_t opcode = static_cast<std::uint8_t>(PacketOpcode::exec_buf);
    bool not_last = false; // chain_flag: more members of the same runlist follow
    bool indirect = false;
};

// Reads device memory for the decoder (indirect blocks live in host memory).
using MemoryReader = std::function<bool(std::uint64_t address, void* data, std::size_t size)>;

struct DecodeResult {
    bool ok = false;
    std::string error;
    // Filled as far as decoding got: completion_signal and not_last are always valid, so a
    // refused packet can still be completed and its runlist aborted.
    Command command;
};

// Decodes a packet: direct (one uC, index 0), or indirect with up to kMaxIndirectEntries
// entries per level, nested levels included, up to kMaxUcs uCs in all. Refuses (with a message
// that names the field) packet types other than vendor-specific, opcodes other than EXEC_BUF,
// a count that does not fit the form, a chain_flag other than 0/1, an unreadable or malformed
// indirect block, a uC named twice, and a uC with no control code.
DecodeResult decode_packet(const Packet& packet, const MemoryReader& read);

// One line with every field, for logs.
std::string describe_packet(const Packet& packet);

// Where a queue lives, laid out as XRT does: the header, `capacity` packets, then
// kMaxIndirectEntries host_indirect_data blocks per slot.
struct QueueLayout {
    std::uint64_t base = 0; // device address of the header
    std::uint32_t capacity = 32;

    [[nodiscard]] std::uint64_t packets() const { return base + kHeaderSize; }
    [[nodiscard]] std::uint64_t slot_address(std::uint64_t seq) const {
        return packets() + (seq & (capacity - 1)) * kPacketSize;
    }
    [[nodiscard]] std::uint64_t indirect_address(std::uint64_t seq, unsigned entry) const {
        return packets() + std::uint64_t{capacity} * kPacketSize +
               ((seq & (capacity - 1)) * kMaxIndirectEntries + entry) * kIndirectDataSize;
    }
    [[nodiscard]] static std::uint64_t bytes(std::uint32_t capacity) {
        return kHeaderSize +
               std::uint64_t{capacity} * (kPacketSize + kMaxIndirectEntries * kIndirectDataSize);
    }
};

// A fresh header for the layout: indices 0, version 1.0, data_address after the header.
Header make_header(const QueueLayout& layout);

struct MemoryWrite {
    std::uint64_t address = 0;
    std::vector<std::uint8_t> bytes;
};

// The writes that put command `seq` into its slot, in the order user space must make them
// (indirect blocks first, the packet last). One uC gives a direct packet, several give an
// indirect one with one block per uC. Publishing it (write_index = seq + 1 at
// kWriteIndexOffset, then the doorbell) is the caller's step. Throws std::invalid_argument
// for a command the format cannot carry (no uC, more than kMaxIndirectEntries, a uC index
// above 127, an opcode other than EXEC_BUF).
std::vector<MemoryWrite> encode_command(const QueueLayout& layout, std::uint64_t seq,
                                        const Command& command);

} // namespace aie4sim::hq
