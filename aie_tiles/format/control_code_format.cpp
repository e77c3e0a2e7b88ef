#include "aie_tiles/format/control_code_format.h"

#include <cstring>
#include <iomanip>
#include <sstream>
#include <stdexcept>

namespace aie4sim::tiles::cc {

namespace {

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

std::string where(std::size_t index, std::size_t offset) {
    return "op " + std::to_string(index) + " at byte " + std::to_string(offset);
}

// Minimum and maximum op length in words; max 0 means "no upper bound".
struct Shape {
    std::uint32_t min_words;
    std::uint32_t max_words;
};

bool shape_of(std::uint8_t code, Shape& s) {
    switch (static_cast<Opcode>(code)) {
    case Opcode::nop:
        s = {1, 0};
        return true;
    case Opcode::write32:
        s = {3, 3};
        return true;
    case Opcode::blockwrite:
        s = {3, 0};
        return true;
    case Opcode::maskwrite:
        s = {4, 4};
        return true;
    case Opcode::maskpoll:
    case Opcode::patch_address:
        s = {5, 5};
        return true;
    case Opcode::wait_tokens:
        s = {4, 4};
        return true;
    case Opcode::end:
        s = {1, 1};
        return true;
    }
    return false;
}

void put_word(std::vector<std::uint8_t>& out, std::uint32_t w) {
    for (unsigned i = 0; i < 4; ++i) {
        out.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    }
}

} // namespace

const char* opcode_name(Opcode op) {
    switch (op) {
    case Opcode::nop:
        return "NOP";
    case Opcode::write32:
        return "WRITE32";
    case Opcode::blockwrite:
        return "BLOCKWRITE";
    case Opcode::maskwrite:
        return "MASKWRITE";
    case Opcode::maskpoll:
        return "MASKPOLL";
    case Opcode::patch_address:
        return "PATCH_ADDRESS";
    case Opcode::wait_tokens:
        return "WAIT_TOKENS";
    case Opcode::end:
        return "END";
    }
    return "?";
}

std::uint32_t encode_token_channel(const TokenChannel& ch) {
    return (ch.column & 0xFFu) | ((ch.row & 0xFFu) << 8) | (ch.mm2s ? 1u << 16 : 0u) |
           ((ch.channel & 0xFFu) << 24);
}

TokenChannel decode_token_channel(std::uint32_t word) {
    TokenChannel ch;
    ch.column = word & 0xFFu;
    ch.row = (word >> 8) & 0xFFu;
    ch.mm2s = ((word >> 16) & 1u) != 0;
    ch.channel = word >> 24;
    return ch;
}

std::uint32_t read_word(const std::uint8_t* data, std::size_t byte_offset) {
    std::uint32_t w = 0;
    for (unsigned i = 0; i < 4; ++i) {
        w |= std::uint32_t{data[byte_offset + i]} << (8 * i);
    }
    return w;
}

ParseResult parse(const std::uint8_t* data, std::size_t size) {
    ParseResult r;
    auto fail = [&r](std::string msg) {
        r.ok = false;
        r.error = std::move(msg);
        r.program.ops.clear();
        return r;
    };
    if (data == nullptr || size < kHeaderBytes) {
        return fail("control code: truncated header (" + std::to_string(size) + " bytes, need 16)");
    }
    if (read_word(data, 0) != kMagic) {
        return fail("control code: bad magic " + hex(read_word(data, 0)) + " (expected " +
                    hex(kMagic) + ")");
    }
    const std::uint32_t version = read_word(data, 4);
    const auto major = static_cast<std::uint8_t>(version & 0xFF);
    if (major != kVersionMajor) {
        return fail("control code: unsupported version " + std::to_string(major) + "." +
                    std::to_string((version >> 8) & 0xFF) + " (this runner reads 1.x)");
    }
    r.program.columns = static_cast<std::uint16_t>(version >> 16);
    const std::uint32_t op_count = read_word(data, 8);
    const std::uint32_t total = read_word(data, 12);
    if (total != size) {
        return fail("control code: header says " + std::to_string(total) +
                    " bytes but the buffer holds " + std::to_string(size));
    }
    if (size % 4 != 0) {
        return fail("control code: size " + std::to_string(size) + " is not a multiple of 4");
    }
    std::size_t offset = kHeaderBytes;
    bool ended = false;
    for (std::size_t index = 0; offset < size; ++index) {
        if (ended) {
            return fail("control code: data after END (" + where(index, offset) + ")");
        }
        const std::uint32_t head = read_word(data, offset);
        const auto code = static_cast<std::uint8_t>(head & 0xFF);
        const std::uint32_t words = head >> 8;
        Shape shape{};
        if (!shape_of(code, shape)) {
            return fail("control code: unknown opcode " + hex(code) + " (" + where(index, offset) +
                        ")");
        }
        const auto opcode = static_cast<Opcode>(code);
        if (words < shape.min_words || (shape.max_words != 0 && words > shape.max_words)) {
            return fail("control code: " + std::string(opcode_name(opcode)) + " with length " +
                        std::to_string(words) + " words (" + where(index, offset) + ")");
        }
        if (std::uint64_t{words} * 4 > size - offset) {
            return fail("control code: truncated " + std::string(opcode_name(opcode)) + " (" +
                        where(index, offset) + ": needs " +
                        std::to_string(std::uint64_t{words} * 4) + " bytes, " +
                        std::to_string(size - offset) + " left)");
        }
        Op op;
        op.opcode = opcode;
        op.byte_offset = offset;
        auto arg = [&](unsigned i) { return read_word(data, offset + std::size_t{4} * i); };
        switch (opcode) {
        case Opcode::nop:
            break;
        case Opcode::write32:
            op.address = arg(1);
            op.value = arg(2);
            break;
        case Opcode::blockwrite:
            op.address = arg(1);
            op.count = arg(2);
            if (std::uint64_t{op.count} + 3 != words) {
                return fail("control code: BLOCKWRITE of " + std::to_string(op.count) +
                            " words in an op of " + std::to_string(words) + " words (" +
                            where(index, offset) + ")");
            }
            op.data_offset = offset + 12;
            break;
        case Opcode::maskwrite:
            op.address = arg(1);
            op.mask = arg(2);
            op.value = arg(3);
            break;
        case Opcode::maskpoll:
            op.address = arg(1);
            op.mask = arg(2);
            op.value = arg(3);
            op.timeout = arg(4);
            break;
        case Opcode::patch_address:
            op.address = arg(1);
            op.argument = arg(2);
            op.offset = arg(3) | (std::uint64_t{arg(4)} << 32);
            break;
        case Opcode::wait_tokens:
            op.tokens = decode_token_channel(arg(1));
            op.count = arg(2);
            op.timeout = arg(3);
            break;
        case Opcode::end:
            ended = true;
            break;
        }
        r.program.ops.push_back(op);
        offset += std::size_t{words} * 4;
    }
    if (!ended) {
        return fail("control code: no END op (program of " + std::to_string(size) + " bytes)");
    }
    if (r.program.ops.size() != op_count) {
        return fail("control code: header says " + std::to_string(op_count) + " ops but " +
                    std::to_string(r.program.ops.size()) + " were found");
    }
    r.ok = true;
    return r;
}

void Writer::op(Opcode code, std::initializer_list<std::uint32_t> payload) {
    const auto words = static_cast<std::uint32_t>(1 + payload.size());
    words_.push_back(static_cast<std::uint32_t>(code) | (words << 8));
    words_.insert(words_.end(), payload);
    ++op_count_;
}

void Writer::write32(std::uint32_t address, std::uint32_t value) {
    op(Opcode::write32, {address, value});
}

void Writer::blockwrite(std::uint32_t address, const std::vector<std::uint32_t>& words) {
    if (words.size() + 3 > kMaxOpWords) {
        throw std::length_error("control code: BLOCKWRITE of " + std::to_string(words.size()) +
                                " words exceeds the op length field");
    }
    const auto n = static_cast<std::uint32_t>(words.size());
    words_.push_back(static_cast<std::uint32_t>(Opcode::blockwrite) | ((n + 3) << 8));
    words_.push_back(address);
    words_.push_back(n);
    words_.insert(words_.end(), words.begin(), words.end());
    ++op_count_;
}

void Writer::maskwrite(std::uint32_t address, std::uint32_t mask, std::uint32_t value) {
    op(Opcode::maskwrite, {address, mask, value});
}

void Writer::maskpoll(std::uint32_t address, std::uint32_t mask, std::uint32_t expected,
                      std::uint32_t timeout_cycles) {
    op(Opcode::maskpoll, {address, mask, expected, timeout_cycles});
}

void Writer::patch_address(std::uint32_t address, std::uint32_t argument, std::uint64_t offset) {
    op(Opcode::patch_address, {address, argument, static_cast<std::uint32_t>(offset),
                               static_cast<std::uint32_t>(offset >> 32)});
}

void Writer::wait_tokens(const TokenChannel& ch, std::uint32_t count,
                         std::uint32_t timeout_cycles) {
    op(Opcode::wait_tokens, {encode_token_channel(ch), count, timeout_cycles});
}

void Writer::nop() {
    op(Opcode::nop, {});
}

void Writer::raw(const std::vector<std::uint32_t>& words) {
    words_.insert(words_.end(), words.begin(), words.end());
    ++op_count_;
}

std::vector<std::uint8_t> Writer::finish(std::uint16_t columns) const {
    std::vector<std::uint8_t> out;
    const std::size_t size = kHeaderBytes + 4 * (words_.size() + 1);
    out.reserve(size);
    put_word(out, kMagic);
    put_word(out,
             kVersionMajor | (std::uint32_t{kVersionMinor} << 8) | (std::uint32_t{columns} << 16));
    put_word(out, static_cast<std::uint32_t>(op_count_ + 1));
    put_word(out, static_cast<std::uint32_t>(size));
    for (const std::uint32_t w : words_) {
        put_word(out, w);
    }
    put_word(out, static_cast<std::uint32_t>(Opcode::end) | (1u << 8));
    return out;
}

std::string disassemble(const std::uint8_t* data, std::size_t size) {
    const ParseResult r = parse(data, size);
    if (!r.ok) {
        return r.error + "\n";
    }
    std::ostringstream s;
    s << "; columns " << r.program.columns << ", " << r.program.ops.size() << " ops\n";
    for (const Op& op : r.program.ops) {
        s << std::setw(8) << op.byte_offset << "  " << opcode_name(op.opcode);
        switch (op.opcode) {
        case Opcode::write32:
            s << " " << hex(op.address) << " = " << hex(op.value);
            break;
        case Opcode::blockwrite:
            s << " " << hex(op.address) << " x" << op.count;
            break;
        case Opcode::maskwrite:
            s << " " << hex(op.address) << " mask " << hex(op.mask) << " = " << hex(op.value);
            break;
        case Opcode::maskpoll:
            s << " " << hex(op.address) << " mask " << hex(op.mask) << " == " << hex(op.value)
              << " timeout " << op.timeout;
            break;
        case Opcode::patch_address:
            s << " " << hex(op.address) << " = arg" << op.argument << " + " << hex(op.offset);
            break;
        case Opcode::wait_tokens:
            s << " col " << op.tokens.column << " row " << op.tokens.row << " "
              << (op.tokens.mm2s ? "mm2s" : "s2mm") << op.tokens.channel << " count " << op.count
              << " timeout " << op.timeout;
            break;
        case Opcode::nop:
        case Opcode::end:
            break;
        }
        s << "\n";
    }
    return s.str();
}

} // namespace aie4sim::tiles::cc
