// Work through the whole device in one process: the host model submits GEMMs on VF queues,
// the command processor runs them on the array, results are checked against CPU references.
#include "aie_tiles/format/control_code_format.h"
#include "device_fixture.h"
#include "models/host/workload_runner.h"
#include "models/host_queue.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace th = aie4sim::tiles::host;

namespace {
constexpr std::uint64_t kRegion = std::uint64_t{1} << 28; // 256 MiB per run
std::uint64_t region(unsigned i) {
    return std::uint64_t{1} << 32 | (kRegion * i);
}
} // namespace

TEST_CASE("standalone GEMMs of several shapes are bit-exact through a VF", "[commands][gemm]") {
    DeviceBench b;
    std::vector<models::host::WorkloadResult> results;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        const th::GemmSpec shapes[] = {
            {1, 1, 1}, {100, 70, 130}, {64, 128, 64}, {37, 200, 19}, {256, 256, 256}};
        unsigned i = 0;
        for (const th::GemmSpec& g : shapes) {
            results.push_back(models::host::run_gemm(d, 1, {g, 7 + i}, region(i)));
            ++i;
        }
    });
    REQUIRE(b.failure.empty());
    for (const auto& r : results) {
        INFO(r.op << ": " << r.error);
        CHECK(r.completed);
        CHECK(r.verified);
        CHECK(r.cycles > 0);
        CHECK(r.finished > r.started);
    }
    CHECK(b.device.commands().statistics(1).commands == 5);
}

TEST_CASE("a bf16 GEMM stays within the fp32 summation bound", "[commands][gemm]") {
    DeviceBench b;
    models::host::WorkloadResult r;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        r = models::host::run_gemm(d, 1, {{48, 96, 40, th::GemmType::bf16_fp32}, 3}, region(0));
    });
    REQUIRE(b.failure.empty());
    INFO(r.error);
    CHECK(r.completed);
    CHECK(r.verified);
}

namespace {
// Runs one GEMM per VF at the same time, one host thread per VF.
std::vector<models::host::WorkloadResult> concurrent_gemms(DeviceBench& b, unsigned vfs,
                                                           th::GemmSpec g) {
    std::vector<models::host::WorkloadResult> results(vfs);
    b.run([&](HostDriver& d) {
        bring_up(d, vfs);
        std::vector<sc_core::sc_process_handle> workers;
        for (unsigned vf = 1; vf <= vfs; ++vf) {
            workers.push_back(sc_core::sc_spawn([&, vf] {
                results[vf - 1] = models::host::run_gemm(d, vf, {g, vf}, region(vf));
            }));
        }
        for (auto& w : workers) {
            wait(w.terminated_event());
        }
    });
    return results;
}
} // namespace

TEST_CASE("time sharing: four VFs' GEMMs all complete, one after another on the array",
          "[commands][scheduler]") {
    DeviceBench b;
    const auto results = concurrent_gemms(b, 4, {64, 64, 64});
    REQUIRE(b.failure.empty());
    for (const auto& r : results) {
        INFO("VF" << r.vf << ": " << r.error);
        CHECK(r.verified);
        CHECK(r.visible_columns == 3); // each VF sees the whole array
    }
    // Time sharing: no two commands overlap on the array.
    for (std::size_t i = 0; i < results.size(); ++i) {
        for (std::size_t j = i + 1; j < results.size(); ++j) {
            const bool overlap = results[i].started < results[j].finished &&
                                 results[j].started < results[i].finished;
            CHECK_FALSE(overlap);
        }
    }
    CHECK(b.device.commands().arbiter().switches() >= 4);
}

TEST_CASE("spatial: VFs on disjoint columns run at the same time", "[commands][scheduler]") {
    models::DeviceConfig config = models::default_device_config();
    config.scheduler.policy = models::SchedulingPolicy::spatial;
    DeviceBench b(config);
    const auto results = concurrent_gemms(b, 3, {64, 64, 64});
    REQUIRE(b.failure.empty());
    for (const auto& r : results) {
        INFO("VF" << r.vf << ": " << r.error);
        CHECK(r.verified);
        CHECK(r.visible_columns == 1); // one column each
    }
    // Disjoint slices: the three commands overlap in time.
    CHECK(results[0].started < results[1].finished);
    CHECK(results[1].started < results[0].finished);
    CHECK(results[1].started < results[2].finished);
    CHECK(results[2].started < results[1].finished);
}

TEST_CASE("bad control code ends its command in ERROR; the device keeps serving",
          "[commands][errors]") {
    DeviceBench b;
    std::uint32_t bad_state = 0, unknown_state = 0;
    models::host::WorkloadResult good;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        auto& mem = d.host().memory();
        auto q = models::host::open_queue(d, 1, 4, region(0));
        // control code that writes outside the partition: column 5 of a 3-column array
        std::vector<std::uint8_t> code(16 + 12 + 4, 0);
        const std::uint32_t words[] = {tiles::cc::kMagic, 0x00030001,          2, 32,
                                       0x00000301u,       (5u << 25) | 0x1000, 1, 0x00000107u};
        std::memcpy(code.data(), words, sizeof words);
        mem.write(region(0) + 0x10000, code.data(), code.size());
        const std::uint32_t fresh = models::hq::kStateNew;
        mem.write(region(0) + 0x20000, &fresh, 4);
        models::host::Command c;
        c.control_code = region(0) + 0x10000;
        c.completion_signal = region(0) + 0x20000;
        const auto s1 = models::host::submit(d, q, c);
        CHECK(models::host::wait_for(d, q, s1, sc_core::sc_time(1, sc_core::SC_SEC)));
        mem.read(region(0) + 0x20000, &bad_state, 4);
        // an unknown opcode byte
        code[16] = 0x7E;
        mem.write(region(0) + 0x10000, code.data(), code.size());
        mem.write(region(0) + 0x20000, &fresh, 4);
        const auto s2 = models::host::submit(d, q, c);
        CHECK(models::host::wait_for(d, q, s2, sc_core::sc_time(1, sc_core::SC_SEC)));
        mem.read(region(0) + 0x20000, &unknown_state, 4);
        // the same VF and another VF still run real work
        good = models::host::run_gemm(d, 2, {{32, 32, 32}, 5}, region(1));
        CHECK(models::host::run_gemm(d, 1, {{16, 16, 16}, 6}, region(2)).verified);
    });
    REQUIRE(b.failure.empty());
    CHECK((bad_state & models::hq::kStateMask) == models::hq::kStateError);
    CHECK((unknown_state & models::hq::kStateMask) == models::hq::kStateError);
    CHECK(good.verified);
    CHECK(b.device.commands().statistics(1).errors == 2);
}

TEST_CASE("a malformed queue stops only that context", "[commands][errors]") {
    DeviceBench b;
    models::host::WorkloadResult other;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const std::uint32_t bad_capacity = 48; // not a power of two
        d.host().memory().write(q.header + 12, &bad_capacity, 4);
        models::host::submit(d, q, models::host::Command{});
        CHECK_FALSE(models::host::wait_for(d, q, 0, sc_core::sc_time(1, sc_core::SC_MS)));
        other = models::host::run_gemm(d, 2, {{32, 32, 32}, 9}, region(1));
    });
    REQUIRE(b.failure.empty());
    CHECK(other.verified);
}

TEST_CASE("the START_DPU form: the command BO names the instruction buffer", "[commands][gemm]") {
    DeviceBench b;
    models::host::WorkloadResult r;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        models::host::WorkloadRequest request{{40, 72, 24}, 11};
        request.start_dpu = true;
        r = models::host::run_gemm(d, 1, request, region(0));
    });
    REQUIRE(b.failure.empty());
    INFO(r.error);
    CHECK(r.completed);
    CHECK(r.verified);
    CHECK(r.cycles > 0); // the trace record was written
}

TEST_CASE("a context that reuses an old context's id after DESTROY_VFS finds the array cleared",
          "[commands][scheduler]") {
    DeviceBench b;
    std::uint64_t switches_before = 0, switches_after = 0;
    bool first = false, second = false;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        first = models::host::run_gemm(d, 1, {{32, 32, 32}, 1}, region(0)).verified;
        switches_before = b.device.commands().arbiter().switches();
        d.disable_vfs();
        d.enable_vfs(1); // the VF's firmware starts again: its next context id is 1 again
        second = models::host::run_gemm(d, 1, {{32, 32, 32}, 2}, region(1)).verified;
        switches_after = b.device.commands().arbiter().switches();
    });
    REQUIRE(b.failure.empty());
    CHECK(first);
    CHECK(second);
    // A new owner of the columns, though the VF and the context id are the same as before.
    CHECK(switches_after == switches_before + 1);
}
