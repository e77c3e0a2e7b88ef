// Work through the whole device in one process: the host model submits commands on VF queues
// as XRT's shim does (queue 1.0, START_DPU command BOs, direct and indirect packets, runlists),
// the command processor runs AMD control code assembled by the real aiebu-asm on the array,
// and results are checked against CPU references.
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "common/log.h"
#include "device_fixture.h"
#include "models/host/workload_runner.h"
#include "models/queue/ert_command.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace wl = aie4sim::tiles::workload;

namespace {
constexpr std::uint64_t kRegion = std::uint64_t{1} << 28; // 256 MiB per run
std::uint64_t region(unsigned i) {
    return std::uint64_t{1} << 32 | (kRegion * i);
}

constexpr const char* kHeader = ".target aie4\n.partition 3column\n";

// Control code assembled by the real aiebu-asm (partial ELF), placed at `at` in host memory.
struct Program {
    wl::ControlCode code;
    std::uint64_t base = 0;
};
Program place(HostDriver& d, const std::string& assembly, std::uint64_t at) {
    const auto elf = wl::assemble_partial(std::string(kHeader) + assembly);
    Program p;
    p.code = wl::load_control_elf(elf.data(), elf.size());
    p.base = at;
    d.host().memory().write(at, p.code.image.data(), p.code.image.size());
    return p;
}

// The command for a program: one uC per code section, completion at `bo` (state NEW).
hq::Command command_for(HostDriver& d, const Program& p, std::uint64_t bo, bool not_last = false) {
    const std::uint32_t fresh = hq::kStateNew | (hq::kErtStartDpu << hq::kOpcodeShift);
    d.host().memory().write(bo, &fresh, 4);
    hq::Command c;
    c.completion_signal = bo;
    c.not_last = not_last;
    for (const auto& uc : p.code.ucs) {
        hq::UcCommand u;
        u.uc_index = uc.index;
        u.control_code = p.base + uc.offset;
        c.ucs.push_back(u);
    }
    return c;
}

std::uint32_t state_at(HostDriver& d, std::uint64_t bo) {
    std::uint32_t w = 0;
    d.host().memory().read(bo, &w, 4);
    return w & hq::kStateMask;
}

// Submits `assembly` as one command and returns its final ERT state.
std::uint32_t run_program(HostDriver& d, models::host::QueueHandle& q, const std::string& assembly,
                          std::uint64_t at) {
    const Program p = place(d, assembly, at + 0x10000);
    const auto seq = models::host::submit(d, q, command_for(d, p, at));
    REQUIRE(models::host::wait_for(d, q, seq, sc_core::sc_time(5, sc_core::SC_SEC)));
    return state_at(d, at);
}

// Captures the model's log for the checks that read it.
class LogCapture {
public:
    LogCapture() {
        common::log_set_sink(&text_);
        common::log_configure("warn");
    }
    ~LogCapture() {
        common::log_set_sink(nullptr);
        const char* level = std::getenv("AIE4SIM_TEST_LOG");
        common::log_configure(level != nullptr ? level : "off");
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    [[nodiscard]] std::string text() const { return text_.str(); }

private:
    std::ostringstream text_;
};
} // namespace

TEST_CASE("standalone workloads are bit-exact through a VF: GEMMs, element-wise, softmax, copy",
          "[commands][gemm]") {
    DeviceBench b;
    std::vector<models::host::WorkloadResult> results;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        const wl::WorkloadSpec specs[] = {
            wl::GemmSpec{1, 1, 1},
            wl::GemmSpec{100, 70, 130},
            wl::GemmSpec{37, 200, 19},
            wl::GemmSpec{256, 256, 256},
            wl::GemmSpec{48, 96, 40, wl::GemmType::bf16_fp32},
            wl::EltwiseSpec{wl::EltwiseOp::mul, wl::DataType::int8, 3001, 3},
            wl::SoftmaxSpec{9, 50},
            wl::CopySpec{100003},
        };
        unsigned i = 0;
        for (const wl::WorkloadSpec& s : specs) {
            results.push_back(models::host::run_workload(d, 1, {s, 7 + i}, region(i)));
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
    CHECK(b.device.commands().statistics(1).commands == 8);
}

TEST_CASE("the uCs patch the BD addresses themselves when the command carries arguments",
          "[commands][gemm]") {
    DeviceBench b;
    models::host::WorkloadResult r;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        models::host::WorkloadRequest request{wl::GemmSpec{64, 80, 96}, 4};
        request.device_patch = true; // unpatched ELF + argument list: APPLY_OFFSET_57 on device
        r = models::host::run_workload(d, 1, request, region(0));
    });
    REQUIRE(b.failure.empty());
    INFO(r.error);
    CHECK(r.verified);
}

namespace {
// Runs one GEMM per VF at the same time, one host thread per VF.
std::vector<models::host::WorkloadResult> concurrent_gemms(DeviceBench& b, unsigned vfs,
                                                           wl::GemmSpec g) {
    std::vector<models::host::WorkloadResult> results(vfs);
    b.run([&](HostDriver& d) {
        bring_up(d, vfs);
        std::vector<sc_core::sc_process_handle> workers;
        for (unsigned vf = 1; vf <= vfs; ++vf) {
            workers.push_back(sc_core::sc_spawn([&, vf] {
                results[vf - 1] = models::host::run_workload(d, vf, {g, vf}, region(vf));
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
    std::uint32_t outside = 0, unmapped = 0, deadlock = 0;
    models::host::WorkloadResult good;
    bool same_vf = false;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        // A write to column 5 of a 3-column partition.
        outside = run_program(d, q, "START_JOB 0\n WRITE_32 0xA000000, 1\nEND_JOB\nEOF\n",
                              region(0) + 0x100000);
        // A hole in a compute tile's register map.
        unmapped = run_program(d, q, "START_JOB 0\n WRITE_32 0x6F0000, 1\nEND_JOB\nEOF\n",
                               region(0) + 0x200000);
        // A local barrier for two jobs that only one job reaches.
        deadlock = run_program(d, q, "START_JOB 0\n LOCAL_BARRIER $lb0, 2\nEND_JOB\nEOF\n",
                               region(0) + 0x300000);
        // The same VF and another VF still run real work.
        good = models::host::run_workload(d, 2, {wl::GemmSpec{32, 32, 32}, 5}, region(1));
        same_vf =
            models::host::run_workload(d, 1, {wl::GemmSpec{16, 16, 16}, 6}, region(2)).verified;
    });
    REQUIRE(b.failure.empty());
    CHECK(outside == hq::kStateError);
    CHECK(unmapped == hq::kStateError);
    CHECK(deadlock == hq::kStateError);
    CHECK(good.verified);
    CHECK(same_vf);
    CHECK(b.device.commands().statistics(1).errors == 3);
}

TEST_CASE("a wait that never ends fails its command after scheduler.wait_timeout",
          "[commands][errors]") {
    models::DeviceConfig config = models::default_device_config();
    config.scheduler.wait_timeout = sc_core::sc_time(50, sc_core::SC_US);
    DeviceBench b(config);
    std::uint32_t state = 0;
    sc_core::sc_time took;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        // Core (0, 2)'s status never reads 0x55.
        state = run_program(d, q, "START_JOB 0\n MASK_POLL_32 0x630004, 0xFF, 0x55\nEND_JOB\nEOF\n",
                            region(0) + 0x100000);
        took = sc_core::sc_time_stamp() - t0;
    });
    REQUIRE(b.failure.empty());
    CHECK(state == hq::kStateError);
    CHECK(took >= sc_core::sc_time(50, sc_core::SC_US));
    CHECK(took < sc_core::sc_time(200, sc_core::SC_US));
}

TEST_CASE("a runlist: once a member fails the rest are aborted, unrun; the next one runs",
          "[commands][runlist]") {
    DeviceBench b;
    std::vector<std::uint32_t> states;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const auto ok =
            place(d, "START_JOB 0\n WRITE_32 0x660000, 3\nEND_JOB\nEOF\n", region(0) + 0x100000);
        const auto bad =
            place(d, "START_JOB 0\n WRITE_32 0xA000000, 1\nEND_JOB\nEOF\n", region(0) + 0x200000);
        // Lock 1 of core (0, 2) := 5: must not happen, its member is aborted.
        const auto marked =
            place(d, "START_JOB 0\n WRITE_32 0x660010, 5\nEND_JOB\nEOF\n", region(0) + 0x300000);
        const std::uint64_t bo = region(0) + 0x400000;
        // Runlist 1: ok, bad, marked, ok. Runlist 2 (after it): ok alone.
        const hq::Command list[] = {
            command_for(d, ok, bo, true), command_for(d, bad, bo + 64, true),
            command_for(d, marked, bo + 128, true), command_for(d, ok, bo + 192, false),
            command_for(d, ok, bo + 256, false)};
        std::uint64_t last = 0;
        for (const hq::Command& c : list) {
            last = models::host::submit(d, q, c);
        }
        REQUIRE(models::host::wait_for(d, q, last, sc_core::sc_time(1, sc_core::SC_SEC)));
        for (unsigned i = 0; i < 5; ++i) {
            states.push_back(state_at(d, bo + 64ull * i));
        }
    });
    REQUIRE(b.failure.empty());
    CHECK(states == std::vector<std::uint32_t>{hq::kStateCompleted, hq::kStateError,
                                               hq::kStateAbort, hq::kStateAbort,
                                               hq::kStateCompleted});
    std::uint32_t lock = 0;
    CHECK(b.device.array().read32(0x660000, lock));
    CHECK(lock == 3);
    CHECK(b.device.array().read32(0x660010, lock));
    CHECK(lock == 0); // the aborted member never wrote its 5
}

TEST_CASE("an indirect command runs one program per uC; REMOTE_BARRIER joins them",
          "[commands][indirect]") {
    DeviceBench b;
    std::uint32_t state = 0;
    std::uint32_t lock_a = 0, lock_b = 0;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        // uC 1 sleeps, then sets its lock; uC 0 meets it at the barrier and only then copies
        // uC 1's lock value into its own column.
        const auto p = place(d,
                             ".attach_to_group 0\n"
                             "START_JOB 0\n REMOTE_BARRIER $rb2, 0x3\n READ_32 $r1, 0x2660000\n"
                             " WRITE_32_D 2, 0x660000, 1\nEND_JOB\nEOF\n"
                             ".attach_to_group 1\n"
                             "START_JOB 0\n SLEEP 20\n WRITE_32 0x2660000, 9\n"
                             " REMOTE_BARRIER $rb2, 0x3\nEND_JOB\nEOF\n",
                             region(0) + 0x100000);
        REQUIRE(p.code.ucs.size() == 2);
        const hq::Command c = command_for(d, p, region(0) + 0x400000);
        const auto seq = models::host::submit(d, q, c);
        REQUIRE(models::host::wait_for(d, q, seq, sc_core::sc_time(1, sc_core::SC_SEC)));
        state = state_at(d, region(0) + 0x400000);
        // The queue's packet was the indirect form, its blocks where XRT puts them.
        hq::Packet packet{};
        d.host().memory().read(q.layout.slot_address(seq), &packet, sizeof packet);
        CHECK(packet.header.indirect == 1);
        CHECK(packet.header.count == 16);
    });
    REQUIRE(b.failure.empty());
    CHECK(state == hq::kStateCompleted);
    CHECK(b.device.array().read32(0x2660000, lock_b));
    CHECK(b.device.array().read32(0x660000, lock_a));
    CHECK(lock_b == 9);
    CHECK(lock_a == 9);
}

TEST_CASE("completion: write_index mirrored at +16 for the kernel's WAIT_CMD, then read_index",
          "[commands][queue]") {
    DeviceBench b;
    hq::Header header{};
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const auto p = place(d, "START_JOB 0\n NOP\nEND_JOB\nEOF\n", region(0) + 0x100000);
        models::host::submit(d, q, command_for(d, p, region(0) + 0x200000));
        const auto last = models::host::submit(d, q, command_for(d, p, region(0) + 0x200040));
        REQUIRE(models::host::wait_for(d, q, last, sc_core::sc_time(1, sc_core::SC_SEC)));
        d.host().memory().read(q.layout.base, &header, sizeof header);
    });
    REQUIRE(b.failure.empty());
    CHECK(header.read_index == 2);
    CHECK(header.write_index == 2);
    CHECK(header.kernel_write_index == 2); // what 7.3.4's WAIT_CMD reads
}

TEST_CASE("a malformed queue stops only that context", "[commands][errors]") {
    DeviceBench b;
    models::host::WorkloadResult other;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const std::uint32_t bad_capacity = 48; // not a power of two
        d.host().memory().write(q.layout.base + 12, &bad_capacity, 4);
        hq::Command c;
        c.ucs.push_back(hq::UcCommand{0, region(0) + 0x10000, 0, 0, 0});
        models::host::submit(d, q, c);
        CHECK_FALSE(models::host::wait_for(d, q, 0, sc_core::sc_time(1, sc_core::SC_MS)));
        other = models::host::run_workload(d, 2, {wl::GemmSpec{32, 32, 32}, 9}, region(1));
    });
    REQUIRE(b.failure.empty());
    CHECK(other.verified);
}

TEST_CASE("a queue written with the old 32-byte header is diagnosed, not run",
          "[commands][queue]") {
    LogCapture log;
    DeviceBench b;
    bool completed = true;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        const std::uint64_t old_write_index = 1; // at +16, where the 32-byte header had it
        d.host().memory().write(q.layout.base + 16, &old_write_index, 8);
        d.write32(d.bar(1, 2) + q.context.doorbell, 1);
        completed = models::host::wait_for(d, q, 0, sc_core::sc_time(1, sc_core::SC_MS));
    });
    REQUIRE(b.failure.empty());
    CHECK_FALSE(completed);
    CHECK(log.text().find("a 32-byte queue header?") != std::string::npos);
}

TEST_CASE("destroying a context stops its running command; the array serves the next VF at once",
          "[commands][scheduler]") {
    DeviceBench b;
    models::host::WorkloadResult other;
    sc_core::sc_time destroyed;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        auto q = models::host::open_queue(d, 1, 4, region(0));
        // Polls forever (until the 1 s wait timeout).
        const auto p =
            place(d, "START_JOB 0\n POLL_32 0x630004, 0x55\nEND_JOB\nEOF\n", region(0) + 0x100000);
        models::host::submit(d, q, command_for(d, p, region(0) + 0x200000));
        sc_core::wait(sc_core::sc_time(20, sc_core::SC_US));
        d.destroy_context(q.context);
        destroyed = sc_core::sc_time_stamp();
        other = models::host::run_workload(d, 2, {wl::GemmSpec{32, 32, 32}, 2}, region(1));
    });
    REQUIRE(b.failure.empty());
    INFO(other.error);
    CHECK(other.verified);
    // VF2 got the array right after the destroy, not after the stuck poll's timeout.
    CHECK(other.started - destroyed < sc_core::sc_time(100, sc_core::SC_US));
}

TEST_CASE("a context that reuses an old context's id after DESTROY_VFS finds the array cleared",
          "[commands][scheduler]") {
    DeviceBench b;
    std::uint64_t switches_before = 0, switches_after = 0;
    bool first = false, second = false;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        first = models::host::run_workload(d, 1, {wl::GemmSpec{32, 32, 32}, 1}, region(0)).verified;
        switches_before = b.device.commands().arbiter().switches();
        d.disable_vfs();
        d.enable_vfs(1); // the VF's firmware starts again: its next context id is 1 again
        second =
            models::host::run_workload(d, 1, {wl::GemmSpec{32, 32, 32}, 2}, region(1)).verified;
        switches_after = b.device.commands().arbiter().switches();
    });
    REQUIRE(b.failure.empty());
    CHECK(first);
    CHECK(second);
    // A new owner of the columns, though the VF and the context id are the same as before.
    CHECK(switches_after == switches_before + 1);
}
