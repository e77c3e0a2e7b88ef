// The array's interface to the layer above: geometry and the AIE4 non-linear address map,
// the control socket (responses, delay annotation), column reset, error reporting,
// configuration parsing and memory footprint.

#include "aie_tiles/array_config.h"
#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/workload/workload.h"
#include "common/config_node.h"
#include "tests/aie_tiles/support/tile_regs.h"
#include "tests/aie_tiles/support/workload_runner.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;

TEST_CASE("AIE4 address rows: memtile owns five, compute rows follow", "[array]") {
    const Geometry g; // 3 columns, 1 memtile row, 4 core rows
    CHECK(g.rows() == 6);
    CHECK(g.address_row(0) == 0);
    CHECK(g.address_row(1) == 1);
    CHECK(g.address_rows_of(1) == 5);
    CHECK(g.address_row(2) == 6);
    CHECK(g.address_row(5) == 9);
    CHECK(g.tile_address(2, 3, 0x40) == ((2u << 25) | (7u << 20) | 0x40));
    // Every address row of the memtile decodes to the memtile, with its offset.
    const auto d = decode_address(g, (1ull << 25) | (4ull << 20) | 0x123);
    REQUIRE(d);
    CHECK(d->col == 1);
    CHECK(d->row == 1);
    CHECK(d->offset == 3u * 0x100000 + 0x123);
    CHECK_FALSE(decode_address(g, 10ull << 20)); // address row 10: no tile
    CHECK_FALSE(decode_address(g, 3ull << 25));  // column 3 of 3
    // Two memtile rows: memtiles at address rows 1 and 6, compute rows from 11.
    const Geometry two{2, 2, 2};
    CHECK(two.address_row(1) == 1);
    CHECK(two.address_row(2) == 6);
    CHECK(two.address_row(3) == 11);
    CHECK(two.kind(2) == TileKind::mem);
    CHECK(decode_address(two, 7ull << 20)->row == 2);
    CHECK(decode_address(two, 12ull << 20)->row == 4);
}

TEST_CASE("control socket: responses and control-path delay", "[array]") {
    ArrayBench b;
    const TimingTable& t = b.array->config().timing;
    b.run([&] {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        // Memory of a memtile, last bytes of its 4 MiB.
        std::uint8_t data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        const std::uint64_t mem_end = b.array->geometry().tile_address(1, 1, 4 * 1024 * 1024 - 8);
        CHECK(b.control.access(true, mem_end, data, 8, delay) == tlm::TLM_OK_RESPONSE);
        CHECK(b.array->context().to_cycles(delay) == 2ull * t.control_access_cycles);
        std::uint8_t back[8] = {};
        CHECK(b.control.access(false, mem_end, back, 8, delay) == tlm::TLM_OK_RESPONSE);
        CHECK(std::equal(back, back + 8, data));
        // Odd sizes are fine for memory; registers need whole aligned words.
        CHECK(b.control.access(false, b.array->geometry().tile_address(0, 2, 3), back, 5, delay) ==
              tlm::TLM_OK_RESPONSE);
        CHECK(b.control.access(false, b.array->geometry().tile_address(0, 2, regs::kCoreStatus + 2),
                               back, 4, delay) == tlm::TLM_GENERIC_ERROR_RESPONSE);
        // Unmapped: a hole in the register space, past the array, past the last row.
        std::uint32_t v = 0;
        CHECK(b.control.access(false, b.array->geometry().tile_address(0, 2, 0x2F000), &v, 4,
                               delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(b.control.access(false, 3ull << 25, &v, 4, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        CHECK(b.control.access(false, 12ull << 20, &v, 4, delay) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
        // A memory access that runs off the end of the memory into registers.
        CHECK(b.control.access(false, mem_end + 4, back, 8, delay) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
        // Write-only registers read as 0; read-only registers ignore writes with an error.
        const std::uint64_t sq = b.array->geometry().tile_address(
            0, 2, regs::channel_offset(TileKind::core, DmaDir::s2mm, 0, regs::kChannelStartQueue));
        CHECK(b.control.access(false, sq, &v, 4, delay) == tlm::TLM_OK_RESPONSE);
        CHECK(v == 0);
        const auto before = b.array->error_count(0);
        std::uint32_t one = 1;
        CHECK(b.control.access(true, sq + 4, &one, 4, delay) == tlm::TLM_OK_RESPONSE);
        CHECK(b.array->error_count(0) == before + 1);
    });
}

TEST_CASE("reset_columns returns columns to reset state and leaves the others alone", "[array]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.array->set_column_owner(1, 7);
    b.run([&] {
        for (const unsigned col : {0u, 1u}) {
            r.lock(col, 2, 3, 5);
            r.write(col, 1, 0x1000, 0xCAFE);
            r.bd(col, 1, DmaDir::mm2s, 2, 4, linear_bd(0x100, 64));
            r.connect(col, 2, dma(0), dma(0));
        }
        // Column 1: a DMA waiting on a lock, a bad value in the error log.
        BufferDescriptor gated = linear_bd(0, 64);
        gated.acquire = BdLock{true, false, 2, 1};
        r.bd(1, 2, DmaDir::s2mm, 0, 0, gated);
        r.push(1, 2, DmaDir::s2mm, 0, 0, 1, true);
        r.lock(1, 2, 9, 99);
        sc_core::wait(b.array->context().cycles(50));
        CHECK((r.status(1, 2, DmaDir::s2mm, 0) & regs::kStatusLockStall) != 0);
        CHECK(b.array->active_error_count(1) == 1);

        b.array->reset_columns(1, 1);
        sc_core::wait(sc_core::SC_ZERO_TIME);
        CHECK(r.lock(1, 2, 3) == 0);
        CHECK(r.read(1, 1, 0x1000) == 0);
        CHECK(r.bd_word(1, 1, DmaDir::mm2s, 2, 4, 2) == 0);
        CHECK(r.reg(1, 2, regs::kSwitchMaster) == 0);
        CHECK(r.status(1, 2, DmaDir::s2mm, 0) == 0);
        CHECK(b.array->active_error_count(1) == 0);
        CHECK(b.array->errors(1).empty());
        CHECK(b.array->error_count(1) == 1); // the running count survives
        CHECK(b.array->column_owner(1) == 7);
        CHECK(b.array->tile(1, 1).resident_bytes() == 0);
        // Releasing the lock now does not wake the aborted transfer.
        r.lock(1, 2, 2, 1);
        sc_core::wait(b.array->context().cycles(200));
        CHECK(r.channel(1, 2, DmaDir::s2mm, 0, regs::kChannelTasksDone) == 0);
        // Column 0 untouched.
        CHECK(r.lock(0, 2, 3) == 5);
        CHECK(r.read(0, 1, 0x1000) == 0xCAFE);
        CHECK(r.bd_word(0, 1, DmaDir::mm2s, 2, 4, 2) == 16);
        // The reset column works again.
        r.connect(1, 2, dma(0), dma(0));
        r.write(1, 2, 0x0, 0x12345678);
        r.bd(1, 2, DmaDir::mm2s, 0, 0, linear_bd(0, 4));
        r.bd(1, 2, DmaDir::s2mm, 0, 1, linear_bd(0x100, 4));
        r.push(1, 2, DmaDir::s2mm, 0, 1, 1, true);
        r.push(1, 2, DmaDir::mm2s, 0, 0);
        sc_core::wait(b.array->context().cycles(200));
        CHECK(r.read(1, 2, 0x100) == 0x12345678);
    });
}

TEST_CASE("a workload after a failed run and a reset: the device layer's recovery", "[array]") {
    ArrayBench b;
    std::vector<std::int8_t> a(std::size_t{40} * 24, 1), bm(std::size_t{24} * 30, 2);
    const auto w = workload::build_gemm({40, 24, 30, workload::GemmType::int8_int32},
                                        workload::PartitionShape{});
    // The host refuses reads of B: the run fails with a device error.
    b.host.add_error_window(buffer_address(1), buffer_address(1) + 0x1000);
    auto run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    CHECK(run.result.status == cert::Status::device_error);
    CHECK(run.result.error.find("host read") != std::string::npos);
    CHECK(b.array->active_error_count(0) + b.array->active_error_count(1) +
              b.array->active_error_count(2) >
          0);
    // Reset the partition and run again with a working host: correct result.
    b.array->reset_columns(0, 3);
    b.host.clear_error_windows();
    run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    CHECK(from_bytes<std::int32_t>(run.outputs[2]) ==
          std::vector<std::int32_t>(std::size_t{40} * 30, 48));
    // And once more without a reset: the control code sets up everything it relies on.
    run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    CHECK(run.result.ok());
}

TEST_CASE("array configuration: defaults, overrides and refused values", "[array][config]") {
    using common::ConfigNode;
    using common::parse_config_text;
    auto parse = [](const char* text) {
        const auto doc = parse_config_text(text, "test");
        return parse_array_config(ConfigNode::root(doc).child("aie"));
    };
    const ArrayConfig d = parse("{}");
    CHECK(d.geometry.columns == 3);
    CHECK(d.geometry.core_rows == 4);
    CHECK(d.geometry.mem_rows == 1);
    CHECK(d.timing.clock_hz == 1.2e9);
    CHECK(d.timing.int8_macs_per_cycle == 512);
    CHECK(d.timing.driver_peak_ops(3) == 4096.0 * 3 * 1.2e9);
    const ArrayConfig o = parse(R"({"aie": {"columns": 5, "core_rows": 2, "chunk_bytes": 1024,
        "timing": {"clock_hz": 1e9, "shim_dma_bytes_per_cycle": 8, "hop_latency_cycles": 3}}})");
    CHECK(o.geometry.columns == 5);
    CHECK(o.geometry.core_rows == 2);
    CHECK(o.chunk_bytes == 1024);
    CHECK(o.timing.clock_hz == 1e9);
    CHECK(o.timing.shim_dma_bytes_per_cycle == 8);
    CHECK(o.timing.hop_latency_cycles == 3);
    auto refused = [&parse](const char* text, const char* field) {
        try {
            parse(text);
            FAIL("accepted: " << text);
        } catch (const common::ConfigError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(field) != std::string::npos);
        }
    };
    refused(R"({"aie": {"colums": 3}})", "colums");
    refused(R"({"aie": {"columns": 0}})", "aie.columns");
    refused(R"({"aie": {"columns": 65}})", "aie.columns");
    refused(R"({"aie": {"mem_rows": 3}})", "aie.mem_rows");
    refused(R"({"aie": {"chunk_bytes": 6}})", "aie.chunk_bytes");
    refused(R"({"aie": {"timing": {"int8_macs_per_cycle": 0}}})", "aie.timing.int8_macs_per_cycle");
    refused(R"({"aie": {"timing": {"stream_width_bytes": 6}}})", "aie.timing.stream_width_bytes");
    refused(R"({"aie": {"timing": {"clock_hz": 5}}})", "aie.timing.clock_hz");
    refused(R"({"aie": {"timing": {"fifo": 4}}})", "aie.timing.fifo");
    refused(R"({"aie": {"timing": 4}})", "aie.timing");
}

TEST_CASE("configured geometry and timing reach the model", "[array][config]") {
    ArrayConfig cfg;
    cfg.geometry = Geometry{1, 2, 1};
    cfg.timing.clock_hz = 1e9;
    cfg.timing.control_access_cycles = 10;
    ArrayBench b(cfg);
    CHECK(b.array->geometry().rows() == 4);
    CHECK(b.array->context().cycle() == sc_core::sc_time(1, sc_core::SC_NS));
    b.run([&] {
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        std::uint32_t v = 0;
        CHECK(b.control.access(false, b.array->geometry().tile_address(0, 3, regs::kCoreStatus), &v,
                               4, delay) == tlm::TLM_OK_RESPONSE);
        CHECK(delay == sc_core::sc_time(10, sc_core::SC_NS));
        CHECK(b.control.access(false, b.array->geometry().tile_address(0, 4, 0), &v, 4, delay) ==
              tlm::TLM_ADDRESS_ERROR_RESPONSE); // row 4 does not exist
    });
}

TEST_CASE("memory is allocated lazily: the default partition stays small", "[array]") {
    ArrayBench b;
    CHECK(b.array->resident_bytes() == 0);
    std::vector<std::int8_t> a(std::size_t{256} * 256, 3), bm(std::size_t{256} * 256, -1);
    const auto w = workload::build_gemm({256, 256, 256, workload::GemmType::int8_int32},
                                        workload::PartitionShape{});
    const auto run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    REQUIRE(run.result.ok());
    // 12 compute memories (128 KiB each) plus the memtile pages the panels use.
    CHECK(b.array->resident_bytes() <= 12 * 128 * 1024 + 3 * 1024 * 1024);
    CHECK(b.array->resident_bytes() > 0);
}

TEST_CASE("a column reset in the middle of a GEMM: no crash, the array recovers", "[array]") {
    ArrayBench b;
    std::vector<std::int8_t> a(std::size_t{96} * 80, 1), bm(std::size_t{80} * 100, 1);
    workload::BuildOptions opt;
    opt.max_tile_m = 8; // many units: the reset lands mid-stream
    const auto w = workload::build_gemm({96, 80, 100, workload::GemmType::int8_int32},
                                        workload::PartitionShape{}, opt);
    std::vector<std::uint64_t> args{buffer_address(0), buffer_address(1), buffer_address(2)};
    b.host.write(args[0], a.data(), a.size());
    b.host.write(args[1], bm.data(), bm.size());
    const auto elf = workload::assemble_workload(w);
    const auto code = workload::load_control_elf(elf.data(), elf.size());
    const auto image = workload::patched_image(code, args);
    b.host.write(kInstructionAddress, image.data(), image.size());
    std::vector<cert::UcTask> tasks;
    for (const auto& uc : code.ucs) {
        tasks.push_back({uc.index, kInstructionAddress + uc.offset, {}});
    }
    cert::RunOptions options;
    options.wait_timeout = b.array->context().cycles(200000);
    cert::RunResult first;
    b.run([&] {
        sc_core::sc_spawn([&] {
            cert::CertRunner runner(*b.array);
            first = runner.run(
                tasks, 0, 3,
                [&b](std::uint64_t addr, void* data, std::size_t n) {
                    b.host.read(addr, data, n);
                    return true;
                },
                options);
        });
        sc_core::wait(b.array->context().cycles(6000));
        b.array->reset_columns(0, 3); // DMA, locks, cores, streams all busy now
    });
    INFO(first.error);
    CHECK_FALSE(first.ok());
    // Same workload again on the reset partition: correct.
    const auto run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    CHECK(from_bytes<std::int32_t>(run.outputs[2]) ==
          std::vector<std::int32_t>(std::size_t{96} * 100, 80));
}

TEST_CASE("host bus latency slows the shim but not the result", "[array]") {
    std::vector<std::int8_t> a(std::size_t{64} * 64, 2), bm(std::size_t{64} * 64, 3);
    const auto w = workload::build_gemm({64, 64, 64, workload::GemmType::int8_int32},
                                        workload::PartitionShape{});
    std::uint64_t fast = 0;
    {
        ArrayBench b;
        const auto run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
        REQUIRE(run.result.ok());
        fast = run.result.cycles;
    }
    ArrayBench b;
    b.host.set_latency(sc_core::sc_time(2, sc_core::SC_US)); // per access: slower than 4 B/cycle
    const auto run = run_workload(b, w, {as_bytes(a), as_bytes(bm), {}});
    REQUIRE(run.result.ok());
    CHECK(from_bytes<std::int32_t>(run.outputs[2]) ==
          std::vector<std::int32_t>(std::size_t{64} * 64, 384));
    CHECK(run.result.cycles > fast + 2000);
}
