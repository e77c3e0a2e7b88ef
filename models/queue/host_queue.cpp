#include "models/queue/host_queue.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace aie4sim::hq {

namespace {

std::string hex(std::uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

std::uint64_t join(std::uint32_t low, std::uint32_t high) {
    return (std::uint64_t{high} << 32) | low;
}

UcCommand from_exec_buf(unsigned uc, const ExecBuf& e) {
    UcCommand c;
    c.uc_index = uc;
    c.control_code = join(e.code_low, e.code_high);
    c.dtrace = join(e.dtrace_low, e.dtrace_high);
    c.args = join(e.args_low, e.args_high);
    c.args_len = e.args_len;
    return c;
}

constexpr unsigned kMaxIndirectDepth = 3;

class Decoder {
public:
    Decoder(const MemoryReader& read, DecodeResult& result) : read_(read), r_(result) {}

    bool fail(std::string why) {
        r_.ok = false;
        r_.error = std::move(why);
        return false;
    }

    bool header_ok(const CommonHeader& h, const std::string& what) {
        if (h.type != kTypeVendorSpecific) {
            return fail(what + " type " + std::to_string(h.type) +
                        (h.type == kTypeInvalid ? " (TYPE_INVALID)" : "") +
                        ": only vendor-specific (0) packets carry commands");
        }
        if (h.opcode != static_cast<std::uint8_t>(PacketOpcode::exec_buf)) {
            return fail(what + " opcode " + std::to_string(h.opcode) + " (" +
                        packet_opcode_name(h.opcode) + "): only EXEC_BUF (1) is modelled");
        }
        if (h.indirect > 1) {
            return fail(what + " indirect " + std::to_string(h.indirect) + ": must be 0 or 1");
        }
        return true;
    }

    // `count` bytes of entries at `entries`, `depth` levels below the packet.
    bool entries(const std::uint8_t* data, std::uint32_t count, unsigned depth,
                 const std::string& what) {
        const std::uint32_t limit = depth == 1 ? kMaxIndirectEntries : kMaxUcs;
        if (count == 0 || count % kIndirectEntrySize != 0 || count / kIndirectEntrySize > limit) {
            return fail(what + " count " + std::to_string(count) + ": an indirect payload is " +
                        std::to_string(kIndirectEntrySize) + " bytes per entry, 1 to " +
                        std::to_string(limit) + " entries");
        }
        for (std::uint32_t i = 0; i < count / kIndirectEntrySize; ++i) {
            IndirectEntry e{};
            std::memcpy(&e, data + std::size_t{i} * kIndirectEntrySize, sizeof e);
            const std::uint64_t address =
                join(e.address_low, e.address_high_uc & kIndirectHighMask);
            const unsigned uc = e.address_high_uc >> kUcIndexShift;
            const std::string where = what + " entry " + std::to_string(i) + " (uC " +
                                      std::to_string(uc) + ", block at " + hex(address) + ")";
            CommonHeader h{};
            if (address == 0 || !read_(address, &h, sizeof h)) {
                return fail(where + ": cannot read the indirect block");
            }
            if (!header_ok(h, where + " block")) {
                return false;
            }
            if (h.indirect == 0) {
                if (h.count < kExecBufSize) {
                    return fail(where + " block count " + std::to_string(h.count) +
                                ": an exec_buf is 24 bytes");
                }
                ExecBuf eb{};
                if (!read_(address + sizeof h, &eb, sizeof eb)) {
                    return fail(where + ": cannot read the block's exec_buf");
                }
                if (!add(from_exec_buf(uc, eb), where)) {
                    return false;
                }
                continue;
            }
            if (depth >= kMaxIndirectDepth) {
                return fail(where + ": more than " + std::to_string(kMaxIndirectDepth) +
                            " levels of indirection");
            }
            if (h.count == 0 || h.count > kMaxUcs * kIndirectEntrySize) {
                return fail(where + " block count " + std::to_string(h.count) +
                            ": not a list of 1 to " + std::to_string(kMaxUcs) + " entries");
            }
            std::vector<std::uint8_t> next(h.count);
            if (!read_(address + sizeof h, next.data(), next.size())) {
                return fail(where + ": cannot read the block's entries");
            }
            if (!entries(next.data(), h.count, depth + 1, where + " block")) {
                return false;
            }
        }
        return true;
    }

    bool add(const UcCommand& c, const std::string& where) {
        if (c.control_code == 0) {
            return fail(where + ": no control code address");
        }
        for (const UcCommand& other : r_.command.ucs) {
            if (other.uc_index == c.uc_index) {
                return fail(where + ": uC " + std::to_string(c.uc_index) + " is named twice");
            }
        }
        if (r_.command.ucs.size() >= kMaxUcs) {
            return fail(where + ": more than " + std::to_string(kMaxUcs) + " uCs");
        }
        r_.command.ucs.push_back(c);
        return true;
    }

private:
    const MemoryReader& read_;
    DecodeResult& r_;
};

template <typename T> void put(std::vector<std::uint8_t>& out, const T& value) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
    out.insert(out.end(), p, p + sizeof value);
}

} // namespace

const char* packet_opcode_name(std::uint8_t opcode) {
    switch (opcode) {
    case 0:
        return "CONFIG_CU";
    case 1:
        return "EXEC_BUF";
    case 2:
        return "TEST";
    case 3:
        return "EXIT";
    default:
        return "unknown";
    }
}

ExecBuf UcCommand::exec_buf() const {
    ExecBuf e{};
    e.dtrace_low = static_cast<std::uint32_t>(dtrace);
    e.dtrace_high = static_cast<std::uint16_t>(dtrace >> 32);
    e.code_low = static_cast<std::uint32_t>(control_code);
    e.code_high = static_cast<std::uint32_t>(control_code >> 32);
    e.args_len = static_cast<std::uint16_t>(args_len);
    e.args_low = static_cast<std::uint32_t>(args);
    e.args_high = static_cast<std::uint32_t>(args >> 32);
    return e;
}

DecodeResult decode_packet(const Packet& p, const MemoryReader& read) {
    DecodeResult r;
    r.command.opcode = p.header.opcode;
    r.command.completion_signal = p.completion_signal;
    r.command.not_last = p.header.chain_flag == kNotLastCommand;
    r.command.indirect = p.header.indirect != 0;
    Decoder d(read, r);
    if (p.header.chain_flag > kNotLastCommand) {
        d.fail("packet chain_flag " + std::to_string(p.header.chain_flag) +
               ": neither LAST_CMD (0) nor NOT_LAST_CMD (1)");
        return r;
    }
    if (!d.header_ok(p.header, "packet")) {
        return r;
    }
    if (p.header.indirect == 0) {
        if (p.header.count < kExecBufSize) {
            d.fail("packet count " + std::to_string(p.header.count) +
                   ": a direct packet carries a 24-byte exec_buf");
            return r;
        }
        ExecBuf e{};
        std::memcpy(&e, p.payload, sizeof e);
        if (!d.add(from_exec_buf(0, e), "packet")) {
            return r;
        }
    } else {
        if (p.header.count > sizeof p.payload) {
            d.fail("packet count " + std::to_string(p.header.count) + ": more than the " +
                   std::to_string(sizeof p.payload) + "-byte payload");
            return r;
        }
        if (!d.entries(p.payload, p.header.count, 1, "packet")) {
            return r;
        }
    }
    r.ok = true;
    return r;
}

std::string describe_packet(const Packet& p) {
    std::string s =
        "type " + std::to_string(p.header.type) + " opcode " + std::to_string(p.header.opcode) +
        " (" + packet_opcode_name(p.header.opcode) + ") chain_flag " +
        std::to_string(p.header.chain_flag) + " count " + std::to_string(p.header.count) +
        " distribute " + std::to_string(p.header.distribute) + " indirect " +
        std::to_string(p.header.indirect) + " completion " + hex(p.completion_signal) + " payload";
    for (std::size_t i = 0; i < sizeof p.payload; i += 4) {
        std::uint32_t w = 0;
        std::memcpy(&w, p.payload + i, 4);
        s += " " + hex(w);
    }
    return s;
}

Header make_header(const QueueLayout& layout) {
    Header h{};
    h.major = 1;
    h.minor = 0;
    h.capacity = layout.capacity;
    h.data_address = layout.packets();
    return h;
}

std::vector<MemoryWrite> encode_command(const QueueLayout& layout, std::uint64_t seq,
                                        const Command& command) {
    if (command.opcode != static_cast<std::uint8_t>(PacketOpcode::exec_buf)) {
        throw std::invalid_argument("only EXEC_BUF commands can be encoded");
    }
    if (command.ucs.empty() || command.ucs.size() > kMaxIndirectEntries) {
        throw std::invalid_argument("a command names 1 to " + std::to_string(kMaxIndirectEntries) +
                                    " uCs, not " + std::to_string(command.ucs.size()));
    }
    if (layout.capacity == 0 || (layout.capacity & (layout.capacity - 1)) != 0) {
        throw std::invalid_argument("queue capacity " + std::to_string(layout.capacity) +
                                    " is not a power of two");
    }
    std::vector<MemoryWrite> writes;
    Packet p{};
    p.header.type = kTypeVendorSpecific;
    p.header.opcode = command.opcode;
    p.header.chain_flag = command.not_last ? kNotLastCommand : kLastCommand;
    p.completion_signal = command.completion_signal;
    if (command.ucs.size() == 1 && !command.indirect) {
        const ExecBuf e = command.ucs[0].exec_buf();
        p.header.count = kExecBufSize;
        std::memcpy(p.payload, &e, sizeof e);
    } else {
        for (std::size_t i = 0; i < command.ucs.size(); ++i) {
            const UcCommand& uc = command.ucs[i];
            if (uc.uc_index >= (1u << (32 - kUcIndexShift))) {
                throw std::invalid_argument("uC index " + std::to_string(uc.uc_index) +
                                            " does not fit an indirect entry");
            }
            IndirectData d{};
            d.header.type = kTypeVendorSpecific;
            d.header.opcode = command.opcode;
            d.header.count = kExecBufSize;
            d.header.distribute = 1;
            d.payload = uc.exec_buf();
            MemoryWrite w;
            w.address = layout.indirect_address(seq, static_cast<unsigned>(i));
            put(w.bytes, d);
            IndirectEntry e{};
            e.address_low = static_cast<std::uint32_t>(w.address);
            e.address_high_uc = (static_cast<std::uint32_t>(w.address >> 32) & kIndirectHighMask) |
                                (uc.uc_index << kUcIndexShift);
            std::memcpy(p.payload + i * sizeof e, &e, sizeof e);
            writes.push_back(std::move(w));
        }
        p.header.count = static_cast<std::uint16_t>(command.ucs.size() * kIndirectEntrySize);
        p.header.distribute = 1;
        p.header.indirect = 1;
    }
    MemoryWrite packet;
    packet.address = layout.slot_address(seq);
    put(packet.bytes, p);
    writes.push_back(std::move(packet));
    return writes;
}

} // namespace aie4sim::hq
