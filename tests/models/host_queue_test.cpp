// The host-queue formats, encoder against decoder and against the layouts XRT 2.25's shim
// writes (offsets measured in /work/shared/reference/xrt-userspace.md §2): the 128-byte header,
// direct and indirect packets, runlist members, the START_DPU command BO, and every refusal.

#include "models/queue/ert_command.h"
#include "models/queue/host_queue.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include <map>

using namespace aie4sim;

namespace {

// Host memory for the decoder: what encode_command wrote.
struct Memory {
    std::map<std::uint64_t, std::vector<std::uint8_t>> blocks;
    void apply(const std::vector<hq::MemoryWrite>& writes) {
        for (const auto& w : writes) {
            blocks[w.address] = w.bytes;
        }
    }
    hq::MemoryReader reader() const {
        return [this](std::uint64_t a, void* d, std::size_t n) {
            for (const auto& [base, bytes] : blocks) {
                if (a >= base && a + n <= base + bytes.size()) {
                    std::memcpy(d, bytes.data() + (a - base), n);
                    return true;
                }
            }
            return false;
        };
    }
    hq::Packet packet(const hq::QueueLayout& layout, std::uint64_t seq) const {
        hq::Packet p{};
        REQUIRE(reader()(layout.slot_address(seq), &p, sizeof p));
        return p;
    }
};

hq::UcCommand uc(unsigned index, std::uint64_t code) {
    hq::UcCommand c;
    c.uc_index = index;
    c.control_code = code;
    return c;
}

} // namespace

TEST_CASE("the queue 1.0 header and XRT's queue layout", "[queue]") {
    const hq::QueueLayout layout{0x6000'0000, 32};
    const hq::Header h = hq::make_header(layout);
    std::uint8_t raw[hq::kHeaderSize];
    std::memcpy(raw, &h, sizeof raw);
    std::uint64_t data_address = 0;
    std::memcpy(&data_address, raw + 120, 8);
    CHECK(data_address == 0x6000'0080); // the shim's BO + 0x80
    CHECK(raw[8] == 1);                 // version 1.0
    CHECK(raw[12] == 32);
    // BO size as the shim computes it: nslots << 8 | 0x80 for 32 slots.
    CHECK(hq::QueueLayout::bytes(32) == ((32u << 8) | 0x80u));
    CHECK(layout.slot_address(33) == 0x6000'0080 + 64);
    // The indirect blocks of slot s, entry i: after the packets, 6 per slot.
    CHECK(layout.indirect_address(1, 2) == 0x6000'0080 + 64 * 32 + (6 + 2) * 32);
}

TEST_CASE("a one-uC command is a direct packet; decode gives it back", "[queue]") {
    const hq::QueueLayout layout{0x1000, 32};
    hq::Command c;
    c.completion_signal = 0x6030'7000;
    hq::UcCommand u = uc(0, 0x6000'5000);
    u.dtrace = 0x12'3456'7000;
    u.args = 0x9'0000'0000;
    u.args_len = 16;
    c.ucs.push_back(u);
    Memory m;
    m.apply(hq::encode_command(layout, 5, c));
    REQUIRE(m.blocks.size() == 1);
    const hq::Packet p = m.packet(layout, 5);
    // The raw words XRT writes for a single-column run (reference §2.2).
    std::uint32_t w[4];
    std::memcpy(w, &p, sizeof w);
    CHECK(w[0] == 0x00010000);
    CHECK(w[1] == 0x00000018);
    CHECK(w[2] == 0x60307000);
    const hq::DecodeResult d = hq::decode_packet(p, m.reader());
    INFO(d.error);
    REQUIRE(d.ok);
    CHECK_FALSE(d.command.indirect);
    CHECK_FALSE(d.command.not_last);
    REQUIRE(d.command.ucs.size() == 1);
    CHECK(d.command.ucs[0].control_code == 0x6000'5000);
    CHECK(d.command.ucs[0].dtrace == 0x12'3456'7000);
    CHECK(d.command.ucs[0].args == 0x9'0000'0000);
    CHECK(d.command.ucs[0].args_len == 16);
}

TEST_CASE("a several-uC command is an indirect packet with one block per uC", "[queue]") {
    const hq::QueueLayout layout{0x6000'0000, 32};
    hq::Command c;
    c.completion_signal = 0x6060'9000;
    c.ucs = {uc(0, 0x6000'4000), uc(1, 0x6000'6000), uc(5, 0x1'0000'8000)};
    Memory m;
    const auto writes = hq::encode_command(layout, 1, c);
    REQUIRE(writes.size() == 4); // three blocks, then the packet last
    CHECK(writes.back().address == layout.slot_address(1));
    m.apply(writes);
    const hq::Packet p = m.packet(layout, 1);
    CHECK(p.header.indirect == 1);
    CHECK(p.header.distribute == 1);
    CHECK(p.header.count == 24);
    std::uint32_t e[2];
    std::memcpy(e, p.payload + 8, sizeof e); // entry 1
    CHECK(e[0] == static_cast<std::uint32_t>(layout.indirect_address(1, 1)));
    CHECK((e[1] >> 25) == 1); // uc_index
    const hq::DecodeResult d = hq::decode_packet(p, m.reader());
    INFO(d.error);
    REQUIRE(d.ok);
    REQUIRE(d.command.ucs.size() == 3);
    CHECK(d.command.ucs[2].uc_index == 5);
    CHECK(d.command.ucs[2].control_code == 0x1'0000'8000);
}

TEST_CASE("a second level of indirection is followed", "[queue]") {
    // packet -> one entry -> a block whose payload is two more entries -> exec_bufs
    Memory m;
    auto put = [&](std::uint64_t at, const void* data, std::size_t n) {
        m.blocks[at].assign(static_cast<const std::uint8_t*>(data),
                            static_cast<const std::uint8_t*>(data) + n);
    };
    for (unsigned i = 0; i < 2; ++i) {
        hq::IndirectData leaf{};
        leaf.header.opcode = 1;
        leaf.header.count = 24;
        leaf.payload = uc(i, 0x5000 + 0x1000 * i).exec_buf();
        put(0x8000 + 0x100 * i, &leaf, sizeof leaf);
    }
    struct {
        hq::CommonHeader header;
        hq::IndirectEntry entries[2];
    } level2{};
    level2.header.opcode = 1;
    level2.header.count = 16;
    level2.header.indirect = 1;
    level2.entries[0] = {0x8000, 0u << hq::kUcIndexShift};
    level2.entries[1] = {0x8100, 1u << hq::kUcIndexShift};
    put(0x7000, &level2, sizeof level2);
    hq::Packet p{};
    p.header.opcode = 1;
    p.header.count = 8;
    p.header.indirect = 1;
    const hq::IndirectEntry top{0x7000, 0};
    std::memcpy(p.payload, &top, sizeof top);
    const hq::DecodeResult d = hq::decode_packet(p, m.reader());
    INFO(d.error);
    REQUIRE(d.ok);
    REQUIRE(d.command.ucs.size() == 2);
    CHECK(d.command.ucs[1].uc_index == 1);
    CHECK(d.command.ucs[1].control_code == 0x6000);
}

TEST_CASE("runlist members carry chain_flag NOT_LAST but the last", "[queue]") {
    const hq::QueueLayout layout{0x1000, 32};
    hq::Command c;
    c.not_last = true;
    c.ucs = {uc(0, 0x2000)};
    Memory m;
    m.apply(hq::encode_command(layout, 0, c));
    const hq::Packet p = m.packet(layout, 0);
    CHECK(p.header.chain_flag == hq::kNotLastCommand);
    CHECK(hq::decode_packet(p, m.reader()).command.not_last);
}

TEST_CASE("packets the device refuses, each with the field that is wrong", "[queue][errors]") {
    const hq::QueueLayout layout{0x1000, 32};
    hq::Command c;
    c.completion_signal = 0x4444;
    c.not_last = true;
    c.ucs = {uc(0, 0x2000), uc(1, 0x3000)};
    Memory good;
    good.apply(hq::encode_command(layout, 0, c));
    const hq::Packet base = good.packet(layout, 0);
    auto refuse = [&](const std::function<void(hq::Packet&)>& change, const std::string& message,
                      const Memory& memory) {
        hq::Packet p = base;
        change(p);
        const hq::DecodeResult d = hq::decode_packet(p, memory.reader());
        CHECK_FALSE(d.ok);
        INFO(d.error);
        CHECK(d.error.find(message) != std::string::npos);
        // Still known: where to complete, and that the runlist goes on.
        CHECK(d.command.completion_signal == 0x4444);
    };
    refuse([](hq::Packet& p) { p.header.type = 1; }, "type 1 (TYPE_INVALID)", good);
    refuse([](hq::Packet& p) { p.header.opcode = 3; }, "opcode 3 (EXIT): only EXEC_BUF", good);
    refuse([](hq::Packet& p) { p.header.opcode = 2; }, "opcode 2 (TEST)", good);
    refuse([](hq::Packet& p) { p.header.chain_flag = 2; }, "chain_flag 2", good);
    refuse([](hq::Packet& p) { p.header.count = 12; }, "count 12", good);
    refuse([](hq::Packet& p) { p.header.count = 56; }, "more than the 48-byte payload", good);
    refuse([](hq::Packet& p) { p.header.indirect = 0, p.header.count = 16; }, "count 16", good);
    Memory empty;
    refuse([](hq::Packet&) {}, "cannot read the indirect block", empty);
    Memory twice = good;
    auto block = twice.blocks[layout.indirect_address(0, 1)];
    hq::IndirectData d{};
    std::memcpy(&d, block.data(), sizeof d);
    hq::Packet same_uc = base;
    same_uc.payload[15] = 0; // entry 1 says uC 0 as well
    const auto r = hq::decode_packet(same_uc, twice.reader());
    CHECK(r.error.find("uC 0 is named twice") != std::string::npos);
    d.payload.code_low = 0;
    d.payload.code_high = 0;
    std::memcpy(twice.blocks[layout.indirect_address(0, 1)].data(), &d, sizeof d);
    CHECK(hq::decode_packet(base, twice.reader()).error.find("no control code address") !=
          std::string::npos);
}

TEST_CASE("the encoder refuses what the format cannot carry", "[queue][errors]") {
    const hq::QueueLayout layout{0x1000, 32};
    hq::Command c;
    CHECK_THROWS_AS(hq::encode_command(layout, 0, c), std::invalid_argument); // no uC
    for (unsigned i = 0; i < 7; ++i) {
        c.ucs.push_back(uc(i, 0x1000));
    }
    CHECK_THROWS_AS(hq::encode_command(layout, 0, c), std::invalid_argument); // 7 > 6
    c.ucs.resize(2);
    c.ucs[1].uc_index = 200;
    CHECK_THROWS_AS(hq::encode_command(layout, 0, c), std::invalid_argument);
    hq::Command one;
    one.ucs = {uc(0, 0x1000)};
    CHECK_THROWS_AS(hq::encode_command({0x1000, 48}, 0, one), std::invalid_argument); // capacity
}

TEST_CASE("the START_DPU command BO: cu masks, chained ert_dpu_data, payload", "[queue][ert]") {
    hq::StartDpu s;
    s.cu_mask = 0x1;
    s.extra_cu_masks = {0x10};
    for (unsigned i = 0; i < 3; ++i) {
        s.dpu.push_back(hq::DpuData{0, 0x6000'0000ull + 0x2000ull * i, 0x2000,
                                    static_cast<std::uint16_t>(i), 0});
    }
    s.payload = {0xA, 0xB};
    const auto words = hq::encode_start_dpu(s);
    // Header: state NEW, one extra cu mask, count, opcode 18.
    CHECK((words[0] & hq::kStateMask) == hq::kStateNew);
    CHECK(((words[0] >> hq::kExtraCuMasksShift) & 3) == 1);
    CHECK(((words[0] >> hq::kOpcodeShift) & hq::kOpcodeMask) == hq::kErtStartDpu);
    CHECK(((words[0] >> hq::kCountShift) & hq::kCountMask) == words.size() - 1);
    CHECK(words[1] == 0x1);
    CHECK(words[2] == 0x10);
    // ert_dpu_data at +8 + 4 * extra_cu_masks; `chained` counts the entries after it.
    hq::DpuData first{};
    std::memcpy(&first, words.data() + 3, sizeof first);
    CHECK(first.instruction_buffer == 0x6000'0000);
    CHECK(first.chained == 2);
    const auto d = hq::decode_start_dpu(words);
    INFO(d.error);
    REQUIRE(d.ok);
    REQUIRE(d.command.dpu.size() == 3);
    CHECK(d.command.dpu[2].uc_index == 2);
    CHECK(d.command.payload == std::vector<std::uint32_t>{0xA, 0xB});
    const hq::Command c = hq::command_from_start_dpu(d.command, 0x7000);
    CHECK(c.indirect);
    CHECK(c.completion_signal == 0x7000);
    REQUIRE(c.ucs.size() == 3);
    CHECK(c.ucs[1].control_code == 0x6000'2000);
    CHECK(c.ucs[1].args_len == 0); // XRT sends no argument list
    // Refusals.
    auto bad = words;
    bad[0] = (bad[0] & ~(hq::kOpcodeMask << hq::kOpcodeShift)) | (19u << hq::kOpcodeShift);
    CHECK(hq::decode_start_dpu(bad).error.find("not START_DPU") != std::string::npos);
    bad = words;
    bad.pop_back();
    CHECK(hq::decode_start_dpu(bad).error.find("words follow") != std::string::npos);
    bad = words;
    bad[3 + 6 + 5] = (7u << 16) | 1; // the second entry says 7 entries follow, not 1
    CHECK(hq::decode_start_dpu(bad).error.find("says 7 entries follow") != std::string::npos);
}

TEST_CASE("ERT states: names, and a state written into a header word keeps the rest",
          "[queue][ert]") {
    CHECK(std::string(hq::ert_state_name(hq::kStateAbort)) == "ABORT");
    CHECK(std::string(hq::ert_state_name(hq::kStateCompleted)) == "COMPLETED");
    const std::uint32_t word = hq::kStateNew | (hq::kErtStartDpu << hq::kOpcodeShift) | (9u << 12);
    CHECK(hq::with_state(word, hq::kStateError) == ((word & ~hq::kStateMask) | hq::kStateError));
}

TEST_CASE("START_DPU for a loaded control code: one entry per uC, the trace in the first",
          "[queue][ert]") {
    struct Uc {
        unsigned index;
        std::size_t offset;
        std::size_t size;
    };
    const std::vector<Uc> ucs{{0, 0, 0x400}, {2, 0x1000, 0x800}};
    const hq::StartDpu dpu = hq::start_dpu_for(ucs, 0x40000000, 0x50000800);
    REQUIRE(dpu.dpu.size() == 2);
    CHECK(dpu.dpu[0].dtrace_buffer == 0x50000800);
    CHECK(dpu.dpu[1].dtrace_buffer == 0);
    CHECK(dpu.dpu[1].instruction_buffer == 0x40001000);
    CHECK(dpu.dpu[1].instruction_size == 0x800);
    CHECK(dpu.dpu[1].uc_index == 2);
    CHECK(hq::decode_start_dpu(hq::encode_start_dpu(dpu)).ok);
}
