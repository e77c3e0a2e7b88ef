// Control code: the format (writer/parser round trip), every op against the array, and every
// kind of bad control code -> error status with a precise message, nothing touched outside
// the partition (nothing at all for statically detectable errors), array still usable.

#include "aie_tiles/control_code_runner.h"
#include "aie_tiles/format/control_code_format.h"
#include "aie_tiles/host/tile_program.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/tile_regs.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;

namespace {

// Partition-relative register address (rows as in the default geometry).
std::uint32_t at(unsigned col, unsigned row, std::uint32_t offset) {
    return static_cast<std::uint32_t>(Geometry{}.tile_address(col, row, offset));
}

std::uint32_t lock_reg(unsigned col, unsigned row, unsigned id) {
    const std::uint32_t base = regs::register_base(Geometry{}.kind(row));
    return at(col, row, base + regs::kLockValue + id * regs::kLockValueStride);
}

ControlCodeResult run(ArrayBench& b, const std::vector<std::uint8_t>& code,
                      const std::vector<std::uint64_t>& args = {}, unsigned first = 0,
                      unsigned count = 3) {
    ControlCodeResult result;
    ControlCodeRunner runner(*b.array);
    result = runner.run(code, args, first, count);
    return result;
}

// A program that leaves a visible mark: lock 1 of core (0,2) := 7.
std::vector<std::uint8_t> good_program(std::uint16_t columns = 3) {
    cc::Writer w;
    w.write32(lock_reg(0, 2, 1), 7);
    return w.finish(columns);
}

} // namespace

TEST_CASE("control code format: writer output parses back op by op", "[cc]") {
    cc::Writer w;
    w.write32(0x600000, 5);
    w.blockwrite(0x600010, {1, 2, 3});
    w.maskwrite(0x600020, 0xF0, 0x50);
    w.maskpoll(0x600030, 0xFF, 0x12, 999);
    w.patch_address(0x70000, 2, 0x1'0000'0004ull);
    w.wait_tokens(cc::TokenChannel{2, 0, true, 1}, 3, 1234);
    w.nop();
    const auto code = w.finish(2);
    const cc::ParseResult p = cc::parse(code.data(), code.size());
    REQUIRE(p.ok);
    CHECK(p.program.columns == 2);
    REQUIRE(p.program.ops.size() == 8);
    CHECK(p.program.ops[0].opcode == cc::Opcode::write32);
    CHECK(p.program.ops[0].value == 5);
    CHECK(p.program.ops[1].count == 3);
    CHECK(cc::read_word(code.data(), p.program.ops[1].data_offset + 8) == 3);
    CHECK(p.program.ops[2].mask == 0xF0);
    CHECK(p.program.ops[3].timeout == 999);
    CHECK(p.program.ops[4].argument == 2);
    CHECK(p.program.ops[4].offset == 0x1'0000'0004ull);
    CHECK(p.program.ops[5].tokens.column == 2);
    CHECK(p.program.ops[5].tokens.mm2s);
    CHECK(p.program.ops[5].tokens.channel == 1);
    CHECK(p.program.ops[5].count == 3);
    CHECK(p.program.ops[7].opcode == cc::Opcode::end);
    // Byte-level layout of the header and the first op (docs/control-code.md).
    CHECK(cc::read_word(code.data(), 0) == 0x43433441u);
    CHECK(code[4] == 1);
    CHECK(code[6] == 2);
    CHECK(cc::read_word(code.data(), 8) == 8);
    CHECK(cc::read_word(code.data(), 12) == code.size());
    CHECK(cc::read_word(code.data(), 16) == (0x01u | (3u << 8)));
    CHECK(cc::disassemble(code.data(), code.size()).find("PATCH_ADDRESS 0x70000 = arg2") !=
          std::string::npos);
}

TEST_CASE("the example of docs/control-code.md, byte for byte", "[cc]") {
    cc::Writer w;
    w.write32(lock_reg(0, 2, 1), 7);
    const std::vector<std::uint8_t> expected{
        0x41, 0x34, 0x43, 0x43, 0x01, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x20, 0x00,
        0x00, 0x00, 0x01, 0x03, 0x00, 0x00, 0x10, 0x00, 0x66, 0x00, 0x07, 0x00, 0x00, 0x00, //
        0x07, 0x01, 0x00, 0x00};
    CHECK(w.finish(3) == expected);
}

TEST_CASE("control code ops act on the array and cost control-path cycles", "[cc]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const TimingTable& t = b.array->config().timing;
    b.run([&] {
        SECTION("WRITE32, BLOCKWRITE, MASKWRITE, NOP") {
            cc::Writer w;
            w.write32(lock_reg(1, 2, 4), 9);
            w.blockwrite(at(2, 1, 0x100), {0x11, 0x22, 0x33});
            w.maskwrite(lock_reg(1, 2, 4), 0x3, 0x2); // 9 = 0b1001 -> 0b1010 = 10
            w.nop();
            const auto res = run(b, w.finish(3));
            INFO(res.error);
            REQUIRE(res.ok());
            CHECK(r.lock(1, 2, 4) == 10);
            CHECK(r.read(2, 1, 0x104) == 0x22);
            // 1 + 3 + (1 read + 1 write) accesses.
            CHECK(res.cycles == 6ull * t.control_access_cycles);
            CHECK(res.ops_executed == 5);
        }
        SECTION("PATCH_ADDRESS writes argument + offset into both address words") {
            cc::Writer w;
            const std::uint32_t bd = at(0, 0, regs::bd_offset(TileKind::shim, DmaDir::mm2s, 0, 3));
            w.patch_address(bd, 1, 0x40);
            const auto res = run(b, w.finish(1), {0x1111, 0x1'2345'6780ull});
            REQUIRE(res.ok());
            CHECK(r.read(0, 0, regs::bd_offset(TileKind::shim, DmaDir::mm2s, 0, 3)) == 0x234567C0u);
            CHECK(r.read(0, 0, regs::bd_offset(TileKind::shim, DmaDir::mm2s, 0, 3) + 4) == 1u);
        }
        SECTION("MASKPOLL waits for another agent's change") {
            sc_core::sc_spawn([&] {
                sc_core::wait(b.array->context().cycles(1000));
                r.lock(2, 1, 10, 5);
            });
            cc::Writer w;
            w.maskpoll(lock_reg(2, 1, 10), 0xFF, 5, 100000);
            const auto res = run(b, w.finish(3));
            INFO(res.error);
            REQUIRE(res.ok());
            CHECK(res.cycles >= 1000);
            CHECK(res.cycles <= 1000 + t.poll_interval_cycles + t.control_access_cycles);
        }
        SECTION("WAIT_TOKENS waits for a task-completion token and consumes it") {
            host::TileProgram p(Geometry{});
            p.connect(1, 2, PortRef{PortKind::dma, 0}, PortRef{PortKind::dma, 0});
            p.bd(1, 2, DmaDir::mm2s, 0, 0, linear_bd(0, 1024));
            p.bd(1, 2, DmaDir::s2mm, 0, 1, linear_bd(0x4000, 1024));
            p.push(1, 2, DmaDir::s2mm, 0, 1, 2, true);
            p.push(1, 2, DmaDir::mm2s, 0, 0, 2, false);
            p.wait_tokens(1, 2, DmaDir::s2mm, 0, 1, 100000);
            const auto res = run(b, p.finish());
            INFO(res.error);
            REQUIRE(res.ok());
            // The task (2 executions of 1 KiB) had to complete: more than 2 BD transfers.
            CHECK(res.cycles > 2ull * (1024 / t.core_dma_bytes_per_cycle));
            CHECK(b.array->tokens_available(1, 2, DmaDir::s2mm, 0) == 0);
        }
    });
}

TEST_CASE("bad control code: structural errors touch nothing", "[cc]") {
    ArrayBench b;
    TileRegs r(*b.array);
    struct Case {
        const char* what;
        std::vector<std::uint8_t> code;
        ControlCodeStatus status;
        const char* message;
        std::vector<std::uint64_t> args;
        unsigned first = 0;
        unsigned count = 3;
    };
    std::vector<Case> cases;
    auto with_mark = [](cc::Writer& w) { w.write32(lock_reg(0, 2, 1), 7); };
    {
        auto code = good_program();
        code[0] ^= 0xFF;
        cases.push_back({"bad magic", code, ControlCodeStatus::format_error, "bad magic", {}});
    }
    {
        auto code = good_program();
        code[4] = 2;
        cases.push_back(
            {"version", code, ControlCodeStatus::format_error, "unsupported version", {}});
    }
    {
        auto code = good_program();
        code.resize(10);
        cases.push_back(
            {"truncated header", code, ControlCodeStatus::format_error, "truncated header", {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.raw({0x01u | (3u << 8), at(0, 2, 0)}); // WRITE32 missing its value word...
        auto code = w.finish(3);
        code.resize(code.size() - 4); // ...and no END: the op runs past the end
        code[12] = static_cast<std::uint8_t>(code.size());
        code[13] = static_cast<std::uint8_t>(code.size() >> 8);
        code[8] = 2;
        cases.push_back({"truncated op",
                         code,
                         ControlCodeStatus::format_error,
                         "truncated WRITE32 (op 1 at byte 28",
                         {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.raw({0x3Fu | (1u << 8)});
        cases.push_back({"unknown opcode",
                         w.finish(3),
                         ControlCodeStatus::format_error,
                         "unknown opcode 0x3f (op 1 at byte 28)",
                         {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.raw({0x01u | (4u << 8), at(0, 2, 0), 1, 2}); // WRITE32 of 4 words
        cases.push_back({"wrong op length",
                         w.finish(3),
                         ControlCodeStatus::format_error,
                         "WRITE32 with length 4 words",
                         {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.raw({0x02u | (5u << 8), at(0, 2, 0), 5, 1, 2}); // BLOCKWRITE says 5 words, has 2
        cases.push_back({"blockwrite count",
                         w.finish(3),
                         ControlCodeStatus::format_error,
                         "BLOCKWRITE of 5 words in an op of 5 words",
                         {}});
    }
    {
        auto code = good_program();
        code[8] = 5;
        cases.push_back({"op count",
                         code,
                         ControlCodeStatus::format_error,
                         "header says 5 ops but 2 were found",
                         {}});
    }
    {
        auto code = good_program();
        code.resize(code.size() - 4); // drop END
        code[12] = static_cast<std::uint8_t>(code.size());
        cases.push_back({"missing END", code, ControlCodeStatus::format_error, "no END op", {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.write32(at(3, 2, regs::kLockValue), 1); // column 3 of a 3-column partition
        cases.push_back({"column outside the partition",
                         w.finish(3),
                         ControlCodeStatus::address_error,
                         "is in column 3, outside the partition's 3 columns",
                         {}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.write32(at(1, 2, regs::kLockValue), 1);
        Case c{"column outside a 1-column partition",
               w.finish(1),
               ControlCodeStatus::address_error,
               "outside the partition's 1 columns",
               {}};
        c.first = 2;
        c.count = 1;
        cases.push_back(c);
    }
    {
        cc::Writer w;
        with_mark(w);
        w.patch_address(at(0, 0, regs::bd_offset(TileKind::shim, DmaDir::mm2s, 0, 0)), 2, 0);
        cases.push_back({"argument index",
                         w.finish(3),
                         ControlCodeStatus::argument_error,
                         "argument index 2 but the command provides 2 arguments",
                         {1, 2}});
    }
    {
        cc::Writer w;
        with_mark(w);
        w.wait_tokens(cc::TokenChannel{0, 2, true, 1}, 1, 100); // core tiles have one MM2S
        cases.push_back({"token channel",
                         w.finish(3),
                         ControlCodeStatus::address_error,
                         "no mm2s1 channel at column 0 row 2",
                         {}});
    }
    {
        auto code = good_program(4);
        cases.push_back({"code for more columns",
                         code,
                         ControlCodeStatus::address_error,
                         "addresses 4 columns; the partition has 3",
                         {}});
    }
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            b.run([&] {
                const auto res = run(b, c.code, c.args, c.first, c.count);
                CHECK(res.status == c.status);
                INFO(res.error);
                CHECK(res.error.find(c.message) != std::string::npos);
                CHECK(res.ops_executed == 0);
                CHECK(res.cycles == 0);
                CHECK(r.lock(0, 2, 1) == 0); // the mark was never written
                // The array is still usable: a good program runs on the same partition.
                const auto again = run(b, good_program());
                CHECK(again.ok());
                CHECK(r.lock(0, 2, 1) == 7);
            });
        }
    }
}

TEST_CASE("bad control code: run-time errors stop the run with a precise message", "[cc]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        SECTION("write to an unmapped register") {
            cc::Writer w;
            w.write32(at(1, 2, 0x2F000), 1);
            const auto res = run(b, w.finish(3));
            CHECK(res.status == ControlCodeStatus::address_error);
            CHECK(res.error.find("op 0 (WRITE32 at byte 16): write to unmapped address 0x262f000 "
                                 "(column 1, row 2, offset 0x2f000)") != std::string::npos);
        }
        SECTION("MASKPOLL that never completes times out") {
            cc::Writer w;
            w.maskpoll(lock_reg(0, 2, 0), 0xFF, 1, 5000);
            w.write32(lock_reg(0, 2, 1), 7); // not reached
            const auto res = run(b, w.finish(3));
            CHECK(res.status == ControlCodeStatus::timeout);
            CHECK(res.error.find("still 0x0, not 0x1, after 5000 cycles") != std::string::npos);
            CHECK(res.cycles >= 5000);
            CHECK(res.cycles <= 5000 + 2 * b.array->config().timing.control_access_cycles);
            CHECK(r.lock(0, 2, 1) == 0);
        }
        SECTION("WAIT_TOKENS that never completes times out") {
            cc::Writer w;
            w.wait_tokens(cc::TokenChannel{2, 1, false, 7}, 2, 7000);
            const auto res = run(b, w.finish(3));
            CHECK(res.status == ControlCodeStatus::timeout);
            CHECK(res.error.find("2 token(s) from column 2 row 1 s2mm7 not received within 7000 "
                                 "cycles") != std::string::npos);
            CHECK(res.cycles == 7000);
        }
        SECTION("a tile error during the run fails it early as a device error") {
            host::TileProgram p(Geometry{});
            BufferDescriptor bad = linear_bd(0, 64);
            bad.valid = false;
            p.bd(1, 1, DmaDir::mm2s, 3, 2, bad);
            p.push(1, 1, DmaDir::mm2s, 3, 2, 1, true);
            p.wait_tokens(1, 1, DmaDir::mm2s, 3, 1, 1'000'000);
            const auto res = run(b, p.finish());
            CHECK(res.status == ControlCodeStatus::device_error);
            CHECK(res.error.find("partition column 1: row 1 mm2s3: BD 2: not valid") !=
                  std::string::npos);
            CHECK(res.cycles < 1000); // not the timeout
        }
        SECTION("a refused register value is a device error at END") {
            cc::Writer w;
            w.write32(lock_reg(0, 1, 0), 100); // outside -64..63
            const auto res = run(b, w.finish(3));
            CHECK(res.status == ControlCodeStatus::device_error);
            CHECK(res.error.find("outside -64..63") != std::string::npos);
        }
        // Whatever failed, the partition still works.
        const auto again = run(b, good_program());
        CHECK(again.ok());
        CHECK(r.lock(0, 2, 1) == 7);
    });
}

TEST_CASE("control code only touches its partition", "[cc]") {
    tiles::ArrayConfig cfg;
    cfg.geometry.columns = 4;
    ArrayBench b(cfg);
    TileRegs r(*b.array);
    b.run([&] {
        // The same program on partitions starting at columns 0, 1 and 3.
        for (const unsigned first : {0u, 1u, 3u}) {
            const auto res = run(b, good_program(1), {}, first, 1);
            CHECK(res.ok());
        }
        CHECK(r.lock(0, 2, 1) == 7);
        CHECK(r.lock(1, 2, 1) == 7);
        CHECK(r.lock(2, 2, 1) == 0);
        CHECK(r.lock(3, 2, 1) == 7);
        // A partition reaching past the array is refused.
        const auto res = run(b, good_program(1), {}, 3, 2);
        CHECK(res.status == ControlCodeStatus::address_error);
        CHECK(res.error.find("outside the array's 4 columns") != std::string::npos);
        // A device error in another partition does not fail this one.
        r.lock(3, 1, 0, 0);
        r.write(3, 1, regs::kMemTileRegisterBase + regs::kLockValue, 200); // error in column 3
        cc::Writer w;
        w.maskpoll(lock_reg(0, 2, 1), 0xFF, 7, 100);
        const auto ok = run(b, w.finish(2), {}, 0, 2);
        CHECK(ok.ok());
    });
}
