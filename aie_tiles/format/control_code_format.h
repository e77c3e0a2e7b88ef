#pragma once
// Our control-code format: a transaction list in the spirit of aie-rt's TXN buffers, but our
// own encoding (docs/control-code.md describes it byte by byte). Plain C++: the workload
// builder writes it, the model's ControlCodeRunner and the tools parse it.
//
// All fields are little-endian. Header (16 bytes):
//   0  u32 magic 0x43433441 ("A4CC")
//   4  u8 major version (1), u8 minor version (0), u16 columns the code addresses
//   8  u32 number of ops (END included)
//   12 u32 total size in bytes (header included)
// Each op starts with a word: [7:0] opcode, [31:8] op length in 32-bit words (this word
// included). Register addresses are partition-relative tile addresses (column 0 is the
// partition's first column; geometry.h explains the row encoding).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace aie4sim::tiles::cc {

inline constexpr std::uint32_t kMagic = 0x43433441u;
inline constexpr std::uint8_t kVersionMajor = 1;
inline constexpr std::uint8_t kVersionMinor = 0;
inline constexpr std::size_t kHeaderBytes = 16;
inline constexpr std::uint32_t kMaxOpWords = (1u << 24) - 1;

enum class Opcode : std::uint8_t {
    nop = 0x00,           // [len >= 1]: ignored payload
    write32 = 0x01,       // [3]: addr, value
    blockwrite = 0x02,    // [3 + n]: addr, n, n data words to addr, addr+4, ...
    maskwrite = 0x03,     // [4]: addr, mask, value: reg = (reg & ~mask) | (value & mask)
    maskpoll = 0x04,      // [5]: addr, mask, expected, timeout (cycles)
    patch_address = 0x05, // [5]: addr, argument index, offset low, offset high
    wait_tokens = 0x06,   // [4]: channel selector, count, timeout (cycles)
    end = 0x07,           // [1]
};

const char* opcode_name(Opcode op);

// WAIT_TOKENS channel selector word: [7:0] column, [15:8] row, [16] direction (0 = S2MM,
// 1 = MM2S), [31:24] channel.
struct TokenChannel {
    unsigned column = 0;
    unsigned row = 0;
    bool mm2s = false;
    unsigned channel = 0;
};
std::uint32_t encode_token_channel(const TokenChannel& ch);
TokenChannel decode_token_channel(std::uint32_t word);

struct Op {
    Opcode opcode = Opcode::nop;
    std::size_t byte_offset = 0; // position of the op in the program (for messages)
    std::uint32_t address = 0;
    std::uint32_t value = 0;     // write32 / maskwrite value; maskpoll expected
    std::uint32_t mask = 0;      // maskwrite / maskpoll
    std::uint32_t timeout = 0;   // maskpoll / wait_tokens (cycles)
    std::uint32_t argument = 0;  // patch_address
    std::uint64_t offset = 0;    // patch_address
    TokenChannel tokens;         // wait_tokens
    std::uint32_t count = 0;     // wait_tokens count; blockwrite word count
    std::size_t data_offset = 0; // blockwrite: byte offset of the first data word
};

struct Program {
    std::uint16_t columns = 0;
    std::vector<Op> ops;
};

struct ParseResult {
    bool ok = false;
    std::string error; // precise: names the op index and byte offset
    Program program;
};

// Structural validation only (header, sizes, opcodes, op lengths, END last). Address and
// argument checks need the partition and happen in the runner.
ParseResult parse(const std::uint8_t* data, std::size_t size);

std::uint32_t read_word(const std::uint8_t* data, std::size_t byte_offset);

// Builds a program. finish() writes the header (op count and size) and appends END.
class Writer {
public:
    void write32(std::uint32_t address, std::uint32_t value);
    void blockwrite(std::uint32_t address, const std::vector<std::uint32_t>& words);
    void maskwrite(std::uint32_t address, std::uint32_t mask, std::uint32_t value);
    void maskpoll(std::uint32_t address, std::uint32_t mask, std::uint32_t expected,
                  std::uint32_t timeout_cycles);
    void patch_address(std::uint32_t address, std::uint32_t argument, std::uint64_t offset);
    void wait_tokens(const TokenChannel& ch, std::uint32_t count, std::uint32_t timeout_cycles);
    void nop();
    // Appends a raw op (tests use it to build malformed programs).
    void raw(const std::vector<std::uint32_t>& words);

    [[nodiscard]] std::vector<std::uint8_t> finish(std::uint16_t columns) const;
    [[nodiscard]] std::size_t op_count() const { return op_count_; }

private:
    void op(Opcode code, std::initializer_list<std::uint32_t> payload);
    std::vector<std::uint32_t> words_;
    std::size_t op_count_ = 0;
};

// One line per op, for tools and error reports.
std::string disassemble(const std::uint8_t* data, std::size_t size);

} // namespace aie4sim::tiles::cc
