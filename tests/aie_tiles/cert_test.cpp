// AMD's control code on the CERT uCs, instruction by instruction: every program here is
// assembled by the real aiebu-asm (Debian's, through the fetched loader), loaded like XRT
// loads it and run by one uC per column on a 3-column array. Hand-made bytes appear only where
// the assembler cannot produce the case (a corrupted page, an impossible register).

#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/format/cert_isa.h"
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/tile_program.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/workload_runner.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <functional>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;

namespace {

// Core (0, 2): data memory and lock values, as partition-relative addresses.
constexpr std::uint32_t kCoreMemory = 0x600000;
constexpr std::uint32_t core_lock(unsigned id) {
    return 0x600000 + regs::kLockValue + id * regs::kLockValueStride;
}

std::string hex(std::uint64_t v) {
    char t[24];
    std::snprintf(t, sizeof t, "0x%llx", static_cast<unsigned long long>(v));
    return t;
}

workload::ControlCode assemble(const std::string& body, unsigned columns = 1) {
    const auto elf = workload::assemble_partial(".target aie4\n.partition " +
                                                std::to_string(columns) + "column\n" + body);
    return workload::load_control_elf(elf.data(), elf.size());
}

struct AsmRun {
    cert::RunResult result;
    workload::ControlCode code;
};

// Runs `body` (jobs, EOF, data; `.attach_to_group` for more uCs) on the bench's 3 columns.
AsmRun run_asm(ArrayBench& b, const std::string& body, const std::vector<std::uint32_t>& args = {},
               const cert::RunOptions& options = {},
               const std::function<void(std::vector<std::uint8_t>&)>& corrupt = {}) {
    AsmRun r;
    r.code = assemble(body, 3);
    std::vector<std::uint8_t> image = r.code.image;
    if (corrupt) {
        corrupt(image);
    }
    r.result = run_code(b, r.code, image, 0, 3, args, options);
    return r;
}

std::uint32_t read(ArrayBench& b, std::uint64_t address) {
    std::uint32_t v = 0xDEADBEEF;
    CHECK(b.array->read32(address, v));
    return v;
}

cert::RunOptions timeout(ArrayBench& b, std::uint64_t cycles) {
    cert::RunOptions o;
    o.wait_timeout = b.array->context().cycles(cycles);
    return o;
}

} // namespace

TEST_CASE("the real assembler's encodings decode field by field", "[cert][isa]") {
    const std::string body = R"(START_JOB 7
  NOP
  YIELD
  MOV $r3, 0x12345678
  ADD $r9, 5
  READ_32 $r2, 0x600010
  READ_32_D $r1, $r2
  WRITE_32 0x1a0634, 0x80000000
  WRITE_32_D 2, 0x2200000, 4
  MASK_WRITE_32 0x6a3000, 0x2, 0x3
  POLL_32 0x600010, 0x7
  MASK_POLL_32 0x18570, 0x1f8003c, 0x0
  WAIT_TCTS TILE_0_0, SHIM_S2MM_1, 3
  WAIT_TCTS TILE_2_1, MEM_MM2S_5, 1
  WAIT_TCTS TILE_1_4, TILE_MM2S_0, 255
  UC_DMA_WRITE_DES $r4, @ucbd
  WAIT_UC_DMA $r4
  UC_DMA_WRITE_DES_SYNC @ucbd
  APPLY_OFFSET_57 @bd, 1, 2
  APPLY_OFFSET_57 @bd, 1, 0xFFFF
  LOCAL_BARRIER $lb3, 2
  REMOTE_BARRIER $rb63, 0x1
  TRACE 0x12
  SAVE_TIMESTAMPS 77
  SLEEP 100
  SAVE_REGISTER 0x18570, 9
  REL_ACQ_SYNC 0x205720c, 0x2057004
  LAUNCH_JOB 8
END_JOB
START_JOB_DEFERRED 8
  LOAD_LAST_PDI
END_JOB
EOF
.align 16
ucbd:
  UC_DMA_BD 0, 0x18000, @bd, 12, 0, 1
  UC_DMA_BD 0, 0x21a0000, @bd, 3, 0, 0
.align 4
bd:
  .long 0x0
  .long 0x100
  .long 0x400
  .long 3
  .long 4
  .long 5
  .long 6
  .long 7
  .long 8
  .long 9
  .long 10
  .long 11
)";
    const workload::ControlCode code = assemble(body);
    REQUIRE(code.ucs.size() == 1);
    const cert::PageDecode d = cert::decode_page(code.image.data(), cert::kPageSize, 0);
    INFO(d.error);
    REQUIRE(d.ok);
    REQUIRE(d.page.jobs.size() == 2);
    CHECK(d.page.jobs[0].id == 7);
    CHECK(d.page.jobs[1].kind == cert::JobKind::deferred);
    // Every instruction prints back as it was written (operands in asm order).
    std::vector<std::string> lines;
    for (const cert::Instruction& i : d.page.text) {
        lines.push_back(cert::format_instruction(i));
    }
    const std::vector<std::string> expected = {
        "START_JOB 7",
        "NOP",
        "YIELD",
        "MOV $r3, 0x12345678",
        "ADD $r9, 0x5",
        "READ_32 $r2, 0x600010",
        "READ_32_D $r1, $r2",
        "WRITE_32 0x1a0634, 0x80000000",
        "WRITE_32_D 2, 0x2200000, 0x4",
        "MASK_WRITE_32 0x6a3000, 0x2, 0x3",
        "POLL_32 0x600010, 0x7",
        "MASK_POLL_32 0x18570, 0x1f8003c, 0x0",
        "WAIT_TCTS TILE_0_0, SHIM_S2MM_1, 3",
        "WAIT_TCTS TILE_2_1, MEM_MM2S_5, 1",
        "WAIT_TCTS TILE_1_4, TILE_MM2S_0, 255",
        "UC_DMA_WRITE_DES $r4, @0x0",
        "WAIT_UC_DMA $r4",
        "UC_DMA_WRITE_DES_SYNC @0x0",
        "APPLY_OFFSET_57 @0x20, 1, 2",
        "APPLY_OFFSET_57 @0x20, 1, 0xffff",
        "LOCAL_BARRIER $lb3, 2",
        "REMOTE_BARRIER $rb63, 0x1",
        "TRACE 18",
        "SAVE_TIMESTAMPS 77",
        "SLEEP 100",
        "SAVE_REGISTER 0x18570, 9",
        "REL_ACQ_SYNC 0x205720c, 0x2057004",
        "LAUNCH_JOB 8",
        "END_JOB",
        "START_JOB_DEFERRED 8",
        "LOAD_LAST_PDI",
        "END_JOB",
        "EOF",
    };
    // The data section's address is the text's end rounded to 16: labels depend on it.
    const std::uint32_t data = (d.page.text.back().offset + 4 + 15) / 16 * 16 - 16;
    std::vector<std::string> want = expected;
    for (std::string& w : want) {
        for (const char* label : {"@0x0", "@0x20"}) {
            const auto at = w.find(label);
            if (at != std::string::npos) {
                w.replace(at, std::string(label).size(),
                          "@" + hex(data + (std::string(label) == "@0x0" ? 0 : 0x20)));
            }
        }
    }
    CHECK(lines == want);
    // The uC-DMA descriptors: local pointers relative to the descriptor, chained.
    const cert::UcDmaBd first =
        cert::decode_uc_dma_bd(code.image.data() + cert::kPageHeaderSize + data);
    CHECK(first.words == 12);
    CHECK(first.next);
    CHECK_FALSE(first.external);
    CHECK(first.local_relative);
    CHECK(first.local == 0x20);
    CHECK(first.remote == 0x18000);
    const cert::UcDmaBd second =
        cert::decode_uc_dma_bd(code.image.data() + cert::kPageHeaderSize + data + 16);
    CHECK_FALSE(second.next);
    CHECK(second.remote == 0x21a0000);
    CHECK(second.local == 0x10);
}

TEST_CASE("WRITE_32, MASK_WRITE_32, WRITE_32_D, READ_32, READ_32_D, MOV, ADD", "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  WRITE_32 0x600100, 0xAABBCCDD
  MASK_WRITE_32 0x600100, 0x0000FF00, 0x00001100
  MOV $r1, 0x600104
  MOV $r2, 0x11111111
  WRITE_32_D 0, 1, 2
  WRITE_32_D 1, 1, 0x22222222
  MOV $r9, 0x600108
  WRITE_32_D 2, 0x60010C, 9
  WRITE_32_D 3, 0x600110, 0x33333333
  READ_32 $r3, 0x600100
  ADD $r3, 1
  WRITE_32_D 2, 0x600114, 3
  READ_32_D $r1, $r4
  WRITE_32_D 2, 0x600118, 4
END_JOB
START_JOB 1
  WRITE_32_D 2, 0x60011C, 9
END_JOB
EOF
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    CHECK(read(b, 0x600100) == 0xAABB11DD);
    CHECK(read(b, 0x600104) == 0x22222222); // flags 0 (both registers), then 1 (value immediate)
    CHECK(read(b, 0x60010C) == 0x600108);   // flags 2: address immediate, value in $r9
    CHECK(read(b, 0x600110) == 0x33333333); // flags 3: both immediate
    CHECK(read(b, 0x600114) == 0xAABB11DE); // READ_32 then ADD
    CHECK(read(b, 0x600118) == 0x22222222); // READ_32_D: address from $r1
    CHECK(read(b, 0x60011C) == 0x600108);   // $r9 is global: job 1 sees job 0's value
}

TEST_CASE("registers r0..r7 are each job's own; r8..r23 are the uC's", "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  MOV $r1, 5
  MOV $r8, 6
  YIELD
  WRITE_32_D 2, 0x600000, 1
  WRITE_32_D 2, 0x600004, 8
END_JOB
START_JOB 1
  MOV $r1, 7
  MOV $r8, 8
END_JOB
EOF
)");
    REQUIRE(r.result.ok());
    CHECK(read(b, 0x600000) == 5); // job 1's r1 is another register
    CHECK(read(b, 0x600004) == 8); // job 1 ran during the YIELD and set the shared r8
}

TEST_CASE("POLL_32 and MASK_POLL_32 block their job until another job writes", "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  POLL_32 0x600200, 7
  MASK_POLL_32 0x600204, 0xF0, 0x30
  SAVE_TIMESTAMPS 1
END_JOB
START_JOB 1
  SLEEP 5
  WRITE_32 0x600200, 7
  WRITE_32 0x600204, 0x12345637
END_JOB
EOF
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    REQUIRE(r.result.events.size() == 1);
    CHECK(r.result.events[0].time >= sc_core::sc_time(5, sc_core::SC_US));
}

TEST_CASE("a poll that is never satisfied fails with a timeout naming the value",
          "[cert][errors]") {
    ArrayBench b;
    const auto r = run_asm(b, "START_JOB 0\n MASK_POLL_32 0x600200, 0xFF, 0x55\nEND_JOB\nEOF\n", {},
                           timeout(b, 5000));
    CHECK(r.result.status == cert::Status::timeout);
    CHECK(r.result.error.find("MASK_POLL_32") != std::string::npos);
    CHECK(r.result.error.find("still reads 0x0") != std::string::npos);
    CHECK(r.result.cycles >= 5000);
}

TEST_CASE("WAIT_TCTS consumes the task-completion tokens of a DMA channel", "[cert][exec]") {
    ArrayBench b;
    // Core (0, 2) copies 64 bytes to itself: MM2S0 -> its switch -> S2MM0, with a token.
    workload::TileProgram p(Geometry{});
    p.connect(0, 2, PortRef{PortKind::dma, 0}, PortRef{PortKind::dma, 0});
    p.bd(0, 2, DmaDir::mm2s, 0, 0, linear_bd(0x0, 64));
    p.bd(0, 2, DmaDir::s2mm, 0, 1, linear_bd(0x100, 64));
    p.push(0, 2, DmaDir::s2mm, 0, 1, 1, true);
    p.push(0, 2, DmaDir::mm2s, 0, 0, 1, false);
    p.wait_tokens(0, 2, DmaDir::s2mm, 0, 1);
    const std::string text = p.finish();
    REQUIRE(text.find("WAIT_TCTS TILE_0_2, TILE_S2MM_0, 1") != std::string::npos);
    for (std::uint32_t i = 0; i < 16; ++i) {
        REQUIRE(b.array->write32(kCoreMemory + 4 * i, 100 + i));
    }
    const auto elf = workload::assemble_partial(text);
    const auto code = workload::load_control_elf(elf.data(), elf.size());
    const auto result = run_code(b, code, code.image, 0, 3);
    INFO(result.error);
    REQUIRE(result.ok());
    CHECK(read(b, kCoreMemory + 0x100) == 100);
    CHECK(read(b, kCoreMemory + 0x13C) == 115);
    CHECK(b.array->tokens_available(0, 2, DmaDir::s2mm, 0) == 0); // consumed
}

TEST_CASE("WAIT_TCTS: a token that never comes times out; an actor that does not exist is an "
          "address error",
          "[cert][errors]") {
    ArrayBench b;
    auto r = run_asm(b, "START_JOB 0\n WAIT_TCTS TILE_1_0, SHIM_S2MM_1, 2\nEND_JOB\nEOF\n", {},
                     timeout(b, 3000));
    CHECK(r.result.status == cert::Status::timeout);
    CHECK(r.result.error.find("2 token(s) from TILE_1_0 SHIM_S2MM_1 not received") !=
          std::string::npos);
    ArrayBench b2;
    // SHIM_MM2S_3 (actor 9) names a channel our shim does not have (2 MM2S).
    r = run_asm(b2, "START_JOB 0\n WAIT_TCTS TILE_0_0, SHIM_MM2S_3, 1\nEND_JOB\nEOF\n");
    CHECK(r.result.status == cert::Status::address_error);
    CHECK(r.result.error.find("actor 9 is no DMA channel of a shim tile") != std::string::npos);
}

TEST_CASE("UC_DMA_WRITE_DES queues a descriptor chain, WAIT_UC_DMA waits for it", "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  UC_DMA_WRITE_DES $r5, @chain
  WAIT_UC_DMA $r5
  READ_32 $r1, 0x600304
  WRITE_32_D 2, 0x600400, 1
END_JOB
EOF
.align 16
chain:
  UC_DMA_BD 0, 0x600300, @a, 2, 0, 1
  UC_DMA_BD 0, 0x600308, @b, 1, 0, 0
.align 4
a:
  .long 0x11
  .long 0x22
.align 4
b:
  .long 0x33
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    CHECK(read(b, 0x600300) == 0x11);
    CHECK(read(b, 0x600304) == 0x22);
    CHECK(read(b, 0x600308) == 0x33);
    CHECK(read(b, 0x600400) == 0x22); // the read after WAIT_UC_DMA sees the transfer's data
}

TEST_CASE("uC-DMA timing: each descriptor and word costs, the job runs on meanwhile",
          "[cert][timing]") {
    const TimingTable t;
    auto cycles_of = [](const std::string& body) {
        ArrayBench b;
        const auto r = run_asm(b, body);
        REQUIRE(r.result.ok());
        return r.result.cycles;
    };
    std::string words;
    for (int i = 0; i < 8; ++i) {
        words += "  .long " + std::to_string(i) + "\n";
    }
    const std::string tail = "EOF\n.align 16\nd:\n  UC_DMA_BD 0, 0x600000, @w, 8, 0, 0\n"
                             ".align 4\nw:\n" +
                             words;
    const std::uint64_t sync =
        cycles_of("START_JOB 0\n UC_DMA_WRITE_DES_SYNC @d\nEND_JOB\n" + tail);
    const std::uint64_t async = cycles_of(
        "START_JOB 0\n UC_DMA_WRITE_DES $r0, @d\nNOP\nNOP\nWAIT_UC_DMA $r0\nEND_JOB\n" + tail);
    const std::uint64_t dma = t.uc_dma_bd_cycles + 8ull * t.control_access_cycles;
    // SYNC waits the descriptor's time out; the asynchronous form hides two NOPs and a WAIT in
    // it (run one after the other, they would add three instructions).
    CHECK(sync >= dma);
    CHECK(async < sync + 2ull * t.uc_instruction_cycles);
}

TEST_CASE("APPLY_OFFSET_57 adds an argument (or the control code's address) to BD addresses",
          "[cert][exec]") {
    const std::string body = R"(START_JOB 0
  APPLY_OFFSET_57 @bd0, 1, 1
  APPLY_OFFSET_57 @bd1, 1, 0xFFFF
  UC_DMA_WRITE_DES_SYNC @chain
END_JOB
EOF
.align 16
chain:
  UC_DMA_BD 0, 0x70000, @bd0, 12, 0, 1
  UC_DMA_BD 0, 0x70030, @bd1, 12, 0, 0
.align 4
bd0:
  .long 0x0
  .long 0x40
  .long 0x10
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0x80000000
  .long 0
.align 4
bd1:
  .long 0x0
  .long 0x80
  .long 0x10
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0
  .long 0x80000000
  .long 0
)";
    SECTION("from the argument list: words 2 and 3 are argument 1's address") {
        ArrayBench b;
        const std::uint64_t arg1 = 0x1'2345'0000ull;
        const auto r = run_asm(
            b, body,
            {0x1000, 0, static_cast<std::uint32_t>(arg1), static_cast<std::uint32_t>(arg1 >> 32)});
        INFO(r.result.error);
        REQUIRE(r.result.ok());
        const std::uint64_t want = arg1 + 0x40 + 0x8000'0000ull; // + the DDR window
        CHECK(read(b, 0x70000) == static_cast<std::uint32_t>(want >> 32));
        CHECK(read(b, 0x70004) == static_cast<std::uint32_t>(want));
        const std::uint64_t code = kInstructionAddress + 0x80 + 0x8000'0000ull;
        CHECK(read(b, 0x70030) == static_cast<std::uint32_t>(code >> 32));
        CHECK(read(b, 0x70034) == static_cast<std::uint32_t>(code));
    }
    SECTION("no argument list: the host patched already (XRT), nothing is added") {
        ArrayBench b;
        const auto r = run_asm(b, body);
        REQUIRE(r.result.ok());
        CHECK(read(b, 0x70000) == 0);
        CHECK(read(b, 0x70004) == 0x40);
    }
    SECTION("an argument the command does not carry") {
        ArrayBench b;
        const auto r = run_asm(b, body, {0x1000, 0});
        CHECK(r.result.status == cert::Status::argument_error);
        CHECK(r.result.error.find("argument words 2 and 3") != std::string::npos);
    }
}

TEST_CASE("LOCAL_BARRIER orders two jobs; START_JOB_DEFERRED waits for LAUNCH_JOB",
          "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  LAUNCH_JOB 2
  SLEEP 3
  WRITE_32 0x600000, 1
  LOCAL_BARRIER $lb1, 2
END_JOB
START_JOB_DEFERRED 2
  LOCAL_BARRIER $lb1, 2
  READ_32 $r0, 0x600000
  WRITE_32_D 2, 0x600004, 0
END_JOB
START_JOB_DEFERRED 3
  WRITE_32 0x600008, 9
END_JOB
EOF
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    CHECK(read(b, 0x600004) == 1); // job 2 read after job 0's write
    CHECK(read(b, 0x600008) == 0); // job 3 was never launched
}

TEST_CASE("barriers no job can pass end the command at once as a deadlock", "[cert][errors]") {
    ArrayBench b;
    auto r = run_asm(b, "START_JOB 0\n LOCAL_BARRIER $lb4, 3\nEND_JOB\n"
                        "START_JOB 1\n LOCAL_BARRIER $lb4, 3\nEND_JOB\nEOF\n");
    CHECK(r.result.status == cert::Status::deadlock);
    CHECK(r.result.error.find("$lb4 (2 of 3 parties)") != std::string::npos);
    CHECK(r.result.cycles < 1000); // not a timeout
    ArrayBench b2;
    // Column 1 has no uC: REMOTE_BARRIER $rb0 for columns 0 and 1 can never open.
    r = run_asm(b2, "START_JOB 0\n REMOTE_BARRIER $rb0, 0x3\nEND_JOB\nEOF\n");
    CHECK(r.result.status == cert::Status::deadlock);
    CHECK(r.result.error.find("$rb0 (columns 0x1 of 0x3 arrived)") != std::string::npos);
}

TEST_CASE("REMOTE_BARRIER holds each uC until every column of the mask arrives", "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(.attach_to_group 0
START_JOB 0
  REMOTE_BARRIER $rb1, 0x7
  SAVE_TIMESTAMPS 0
END_JOB
EOF
.attach_to_group 1
START_JOB 0
  SLEEP 10
  REMOTE_BARRIER $rb1, 0x7
  SAVE_TIMESTAMPS 1
END_JOB
EOF
.attach_to_group 2
START_JOB 0
  SLEEP 4
  REMOTE_BARRIER $rb1, 0x7
  SAVE_TIMESTAMPS 2
END_JOB
EOF
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    REQUIRE(r.code.ucs.size() == 3);
    REQUIRE(r.result.events.size() == 3);
    for (const cert::TraceEvent& e : r.result.events) {
        CHECK(e.time >= sc_core::sc_time(10, sc_core::SC_US));
    }
    ArrayBench b2;
    const auto bad = run_asm(b2, "START_JOB 0\n REMOTE_BARRIER $rb0, 0x2\nEND_JOB\nEOF\n");
    CHECK(bad.result.status == cert::Status::format_error);
    CHECK(bad.result.error.find("does not include this uC's column 0") != std::string::npos);
}

TEST_CASE("REL_ACQ_SYNC: a lock as a barrier across uCs", "[cert][exec]") {
    ArrayBench b;
    // Memory tile (0, 1) lock 5: release +1, then acquire-equal 2 (both uCs released).
    const std::uint32_t base = 0x100000 + regs::kMemTileRegisterBase;
    const std::string rel = hex(base + regs::lock_request(5, false, 1));
    const std::string acq = hex(base + regs::lock_request_eq(5, 2));
    const std::string sync = "  REL_ACQ_SYNC " + rel + ", " + acq + "\n";
    const auto r = run_asm(b, ".attach_to_group 0\nSTART_JOB 0\n" + sync +
                                  "  SAVE_TIMESTAMPS 0\nEND_JOB\nEOF\n"
                                  ".attach_to_group 1\nSTART_JOB 0\n  SLEEP 6\n" +
                                  sync + "  SAVE_TIMESTAMPS 1\nEND_JOB\nEOF\n");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    REQUIRE(r.result.events.size() == 2);
    CHECK(r.result.events[0].time >= sc_core::sc_time(6, sc_core::SC_US));
    CHECK(read(b, base + regs::kLockValue + 5 * regs::kLockValueStride) == 2);
}

TEST_CASE("TRACE, SAVE_TIMESTAMPS, SAVE_REGISTER record; NOP and SLEEP cost time", "[cert][exec]") {
    ArrayBench b;
    const TimingTable t;
    REQUIRE(b.array->write32(core_lock(2), 13));
    const auto r = run_asm(b, R"(START_JOB 0
  TRACE 0x21
  SAVE_TIMESTAMPS 5
  SLEEP 2
  SAVE_TIMESTAMPS 6
  SAVE_REGISTER 0x660020, 44
END_JOB
EOF
)");
    REQUIRE(r.result.ok());
    REQUIRE(r.result.events.size() == 4);
    CHECK(r.result.events[0].kind == "trace");
    CHECK(r.result.events[0].id == 0x21);
    CHECK(r.result.events[2].time - r.result.events[1].time ==
          sc_core::sc_time(2, sc_core::SC_US) +
              b.array->context().cycles(2ull * t.uc_instruction_cycles));
    CHECK(r.result.events[3].kind == "register");
    CHECK(r.result.events[3].id == 44);
    CHECK(r.result.events[3].value == 13);
    auto cycles_of = [](unsigned nops) {
        ArrayBench bench;
        std::string body = "START_JOB 0\n";
        for (unsigned i = 0; i < nops; ++i) {
            body += "  NOP\n";
        }
        return run_asm(bench, body + "END_JOB\nEOF\n").result.cycles;
    };
    // 16 more NOPs: 64 more text bytes to fetch (4 cycles at 16 B/cycle) and 16 instructions.
    CHECK(cycles_of(20) - cycles_of(4) ==
          16 * t.uc_instruction_cycles + 64 / t.uc_page_bytes_per_cycle);
    ArrayBench b2;
    const auto sleepy =
        run_asm(b2, "START_JOB 0\n SLEEP 100\nEND_JOB\nEOF\n", {}, timeout(b2, 1000));
    CHECK(sleepy.result.status == cert::Status::timeout);
}

TEST_CASE("pages run in order: the next one is paged in while the current one runs",
          "[cert][exec]") {
    ArrayBench b;
    const auto r = run_asm(b, R"(START_JOB 0
  WRITE_32 0x600000, 1
END_JOB
.eop
START_JOB 1
  READ_32 $r0, 0x600000
  ADD $r0, 1
  WRITE_32_D 2, 0x600000, 0
END_JOB
.eop
START_JOB 2
  READ_32 $r0, 0x600000
  ADD $r0, 1
  WRITE_32_D 2, 0x600000, 0
END_JOB
EOF
)");
    INFO(r.result.error);
    REQUIRE(r.result.ok());
    CHECK(r.code.ucs[0].pages == 3);
    CHECK(r.result.pages == 3);
    CHECK(read(b, 0x600000) == 3);
}

TEST_CASE("instructions the model does not emulate are refused before their page runs",
          "[cert][refused]") {
    // The real assembler's output for PDI loading and preemption (it needs the pages they name).
    const std::string body = R"(START_JOB 0
  WRITE_32 0x600000, 1
  LOAD_PDI 0, @pdi
END_JOB
START_JOB 3
  PREEMPT 0, @save, @restore
END_JOB
pdi:
START_JOB 10
  WRITE_32 0x600004, 1
END_JOB
EOF
.endl pdi
save:
START_JOB 11
  NOP
END_JOB
EOF
.endl save
restore:
START_JOB 12
  NOP
END_JOB
EOF
.endl restore
EOF
)";
    ArrayBench b;
    const auto r = run_asm(b, body);
    CHECK(r.result.status == cert::Status::refused);
    CHECK(r.result.error.find("LOAD_PDI: not modelled: PDI loading is not emulated") !=
          std::string::npos);
    CHECK(read(b, 0x600000) == 0); // nothing of the page ran
    ArrayBench b2;
    const auto last = run_asm(b2, "START_JOB 0\n LOAD_LAST_PDI\nEND_JOB\nEOF\n");
    CHECK(last.result.status == cert::Status::refused);
    CHECK(last.result.error.find("LOAD_LAST_PDI: not modelled") != std::string::npos);
    ArrayBench b3;
    const auto external = run_asm(b3, "START_JOB 0\n UC_DMA_WRITE_DES_SYNC @d\nEND_JOB\nEOF\n"
                                      ".align 16\nd:\n UC_DMA_BD 0, 0x600000, @w, 1, 1, 0\n"
                                      ".align 4\nw:\n .long 5\n");
    CHECK(external.result.status == cert::Status::refused);
    CHECK(external.result.error.find("UC_DMA_BD external: not modelled") != std::string::npos);
}

TEST_CASE("malformed control code is a format error that names the place", "[cert][errors]") {
    const std::string ok = "START_JOB 0\n MOV $r2, 1\n WRITE_32 0x600000, 1\nEND_JOB\nEOF\n";
    auto check = [&](const std::function<void(std::vector<std::uint8_t>&)>& corrupt,
                     const std::string& message) {
        ArrayBench b;
        const auto r = run_asm(b, ok, {}, {}, corrupt);
        CHECK(r.result.status == cert::Status::format_error);
        INFO(r.result.error);
        CHECK(r.result.error.find(message) != std::string::npos);
        CHECK(read(b, 0x600000) == 0);
    };
    check([](auto& img) { img[0] = 0x12; }, "header magic 0xff12");
    check([](auto& img) { img[2] = 1; }, "header says page 1, expected 0");
    check([](auto& img) { img[20] = 0x40; }, "job 0 declares 64 bytes, it spans 32");
    check([](auto& img) { img[24] = 0x0A; }, "byte 24: unknown opcode 0xa");
    check([](auto& img) { img[26] = 30; }, "register $r30 does not exist");
}

TEST_CASE("addresses outside the partition or unmapped are address errors", "[cert][errors]") {
    ArrayBench b;
    auto r = run_asm(b, "START_JOB 0\n READ_32 $r0, 0x6000000\nEND_JOB\nEOF\n");
    CHECK(r.result.status == cert::Status::address_error);
    CHECK(r.result.error.find("in column 3, outside the partition's 3 columns") !=
          std::string::npos);
    ArrayBench b2;
    r = run_asm(b2, "START_JOB 0\n UC_DMA_WRITE_DES_SYNC @d\nEND_JOB\nEOF\n"
                    ".align 16\nd:\n UC_DMA_BD 0, 0x6F0000, @w, 1, 0, 0\n.align 4\nw:\n .long 5\n");
    CHECK(r.result.status == cert::Status::address_error);
    CHECK(r.result.error.find("write to unmapped address 0x6f0000 (column 0, row 2") !=
          std::string::npos);
}

TEST_CASE("a stop from outside ends the command promptly as aborted", "[cert][exec]") {
    ArrayBench b;
    const auto code = assemble("START_JOB 0\n POLL_32 0x600000, 1\nEND_JOB\nEOF\n");
    b.host.write(kInstructionAddress, code.image.data(), code.image.size());
    cert::StopSignal stop;
    cert::RunResult result;
    sc_core::sc_time ended;
    b.run([&] {
        sc_core::sc_spawn([&] {
            cert::CertRunner runner(*b.array);
            cert::RunOptions options;
            options.stop = &stop;
            result = runner.run(
                {{0, kInstructionAddress, {}}}, 0, 3,
                [&b](std::uint64_t a, void* d, std::size_t n) {
                    b.host.read(a, d, n);
                    return true;
                },
                options);
            ended = sc_core::sc_time_stamp();
        });
        sc_core::wait(sc_core::sc_time(3, sc_core::SC_US));
        stop.request();
    });
    CHECK(result.status == cert::Status::aborted);
    CHECK(ended < sc_core::sc_time(4, sc_core::SC_US));
}

TEST_CASE("UC_DMA_BD_SHIM: the assembler's two zero bytes make a malformed page, refused",
          "[cert][refused]") {
    // Debian's aiebu-asm accepts UC_DMA_BD_SHIM (aie4) only inside a job and encodes it as two
    // zero bytes, which misaligns everything after it; the uC refuses the page.
    ArrayBench b;
    const auto r =
        run_asm(b, "START_JOB 0\n NOP\n UC_DMA_BD_SHIM 0, 0x18000, @d, 9, 0, 0\n"
                   " NOP\n WRITE_32 0x600000, 1\nEND_JOB\nEOF\n.align 4\nd:\n .long 5\n");
    CHECK(r.result.status == cert::Status::format_error);
    INFO(r.result.error);
    CHECK(r.result.error.find("page 0") != std::string::npos);
    CHECK(read(b, 0x600000) == 0);
}
