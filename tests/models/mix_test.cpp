// Workload mixes (docs/workload-mixes.md): the statistics on known inputs, the arrival patterns'
// arithmetic and, through the whole device, each pattern's count and spacing, every workload
// kind verifying against the CPU references (the transformer block step by step), the mix
// reader's errors, the scheduler's time slice, and joining processes that already ended.
#include "device_fixture.h"
#include "models/host/mix_runner.h"
#include "models/host/mix_statistics.h"
#include "models/host/process_join.h"
#include "models/host/workload_mix.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace mh = aie4sim::models::host;

namespace {

constexpr std::uint64_t kRegion = std::uint64_t{1} << 30;

mh::WorkloadMix mix_of(const std::string& text) {
    return mh::parse_mix(boost::json::parse(text));
}

// Runs `mix` on `vfs` VFs of a device with `config`; the result of every VF.
mh::MixResult run(const std::string& mix_text, unsigned vfs = 1,
                  models::DeviceConfig config = models::default_device_config()) {
    const mh::WorkloadMix mix = mix_of(mix_text);
    DeviceBench bench(std::move(config));
    mh::MixResult result;
    bench.run([&](mh::HostDriver& d) {
        bring_up(d, vfs);
        result = mh::run_mix(d, mix, vfs, 1234, std::uint64_t{1} << 32, kRegion);
    });
    REQUIRE(bench.failure.empty());
    return result;
}

double us(const sc_core::sc_time& t) {
    return t.to_seconds() * 1e6;
}

std::string mix_error(const std::string& text) {
    try {
        (void)mix_of(text);
    } catch (const mh::MixError& e) {
        return e.what();
    }
    return "";
}

void require_all_verified(const mh::VfMixResult& vf) {
    for (const mh::CommandRecord& c : vf.commands) {
        INFO(c.op << ": " << c.error);
        REQUIRE(c.ok);
    }
}

} // namespace

TEST_CASE("percentiles are nearest-rank on known inputs", "[mix]") {
    std::vector<double> hundred;
    for (int i = 100; i >= 1; --i) {
        hundred.push_back(i); // unsorted on purpose
    }
    CHECK(mh::percentile(hundred, 50) == 50);
    CHECK(mh::percentile(hundred, 99) == 99);
    CHECK(mh::percentile(hundred, 100) == 100);
    CHECK(mh::percentile(hundred, 1) == 1);
    CHECK(mh::percentile({7, 3, 5}, 50) == 5);
    CHECK(mh::percentile({7, 3, 5}, 99) == 7);
    CHECK(mh::percentile({42}, 99) == 42);
    CHECK(mh::percentile({}, 50) == 0);
    // Ten samples: p99 is the largest, p50 the fifth.
    CHECK(mh::percentile({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 99) == 10);
    CHECK(mh::percentile({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 50) == 5);
}

TEST_CASE("Jain's index: 1 for equal shares, 1/n when one takes all", "[mix]") {
    CHECK(mh::jain_index({3, 3, 3, 3}) == Approx(1.0));
    CHECK(mh::jain_index({5, 0, 0, 0}) == Approx(0.25));
    CHECK(mh::jain_index({1, 3}) == Approx(16.0 / 20.0));
    CHECK(mh::jain_index({}) == 0);
    CHECK(mh::jain_index({0, 0}) == 0);
}

TEST_CASE("arrival offsets and counts of the open-loop patterns", "[mix]") {
    mh::Arrival rate;
    rate.pattern = mh::ArrivalPattern::fixed_rate;
    rate.per_ms = 4;
    CHECK(mh::arrival_offset_us(rate, 0) == 0);
    CHECK(mh::arrival_offset_us(rate, 3) == Approx(750));
    CHECK(mh::arrivals_within(rate, 1000, 0) == 4);   // 0, 250, 500, 750
    CHECK(mh::arrivals_within(rate, 1000.5, 0) == 5); // and 1000
    CHECK(mh::arrivals_within(rate, 1000, 3) == 3);
    CHECK(mh::arrivals_within(rate, 0, 7) == 7);
    mh::Arrival burst;
    burst.pattern = mh::ArrivalPattern::burst;
    burst.burst = 3;
    burst.every_us = 100;
    CHECK(mh::arrival_offset_us(burst, 2) == 0);
    CHECK(mh::arrival_offset_us(burst, 3) == Approx(100));
    CHECK(mh::arrival_offset_us(burst, 8) == Approx(200));
    CHECK(mh::arrivals_within(burst, 250, 0) == 9);
    CHECK(mh::arrivals_within(burst, 300, 0) == 9);
    CHECK(mh::arrivals_within(burst, 250, 4) == 4);
}

TEST_CASE("a bad mix is refused with an error that names the field", "[mix]") {
    const std::string jobs = R"("workloads": [{"op": "copy", "bytes": 4096}])";
    CHECK_THAT(mix_error(R"({"default": {)" + jobs + "}}"),
               Catch::Contains("duration_us: a mix needs a bound"));
    CHECK_THAT(
        mix_error(R"({"jobs": 1, "default": {"arrival": {"pattern": "poisson"}, )" + jobs + "}}"),
        Catch::Contains("default.arrival.pattern"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "default": {"arrival": {"pattern": "fixed_rate"}, )" +
                         jobs + "}}"),
               Catch::Contains("default.arrival.per_ms: required"));
    CHECK_THAT(
        mix_error(R"({"jobs": 1, "default": {"workloads": [{"op": "gemm", "shape": "3x"}]}})"),
        Catch::Contains("default.workloads[0].shape: a GEMM shape"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "default": {"workloads": [{"op": "fft"}]}})"),
               Catch::Contains("default.workloads[0].op"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "default": {"workloads": [{"op": "copy", "size": 4}]}})"),
               Catch::Contains("size"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "vfs": {"0": {)" + jobs + "}}}"),
               Catch::Contains("vfs.0: a VF number"));
    CHECK_THAT(
        mix_error(
            R"({"jobs": 1, "default": {"workloads": [{"op": "eltwise_chain", "steps": "add,sub"}]}})"),
        Catch::Contains("default.workloads[0].steps: add, mul or relu"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "default": {"workloads": []}})"),
               Catch::Contains("default.workloads: required"));
    CHECK_THAT(mix_error(R"({"jobs": 1, "colour": 3, "default": {)" + jobs + "}}"),
               Catch::Contains("colour"));
    CHECK_THAT(mix_error(R"([1])"), Catch::Contains("mix: must be a JSON object"));
    CHECK_THAT(mix_error(R"({"jobs": -1, "default": {)" + jobs + "}}"), Catch::Contains("jobs"));
}

TEST_CASE("a mix the run cannot carry out is refused before it runs", "[mix]") {
    const auto config = models::default_device_config();
    const std::string jobs = R"("workloads": [{"op": "copy", "bytes": 4096}])";
    CHECK_THROWS_WITH(
        mh::check_mix(mix_of(R"({"jobs": 1, "vfs": {"3": {)" + jobs + "}}}"), 2, config),
        Catch::Contains("VF 1 has no workloads"));
    CHECK_THROWS_WITH(
        mh::check_mix(mix_of(R"({"jobs": 1, "default": {)" + jobs + R"(}, "vfs": {"3": {}}})"), 2,
                      config),
        Catch::Contains("vfs.3: the run has 2 VF(s)"));
    CHECK_THROWS_WITH(
        mh::check_mix(
            mix_of(
                R"({"jobs": 1, "default": {"workloads": [{"op": "gemm", "shape": "64x9000x64"}]}})"),
            1, config),
        Catch::Contains("gemm 64x9000x64 int8") && Catch::Contains("K = 9000"));
}

TEST_CASE("fixed rate: one job every 1/rate, as many as fit in the duration", "[mix][device]") {
    const auto r = run(R"({"duration_us": 1000, "default": {
        "arrival": {"pattern": "fixed_rate", "per_ms": 10},
        "workloads": [{"op": "copy", "bytes": 8192}]}})");
    const auto& vf = r.vfs.at(0);
    REQUIRE(vf.commands.size() == 10);
    require_all_verified(vf);
    for (std::size_t k = 0; k < vf.commands.size(); ++k) {
        const auto& c = vf.commands[k];
        CHECK(us(c.arrived - r.start) == Approx(100.0 * k));
        CHECK(c.submitted == c.arrived); // the queue had room: no host wait
        CHECK(c.started > c.submitted);
        CHECK(c.completed >= c.finished);
    }
}

TEST_CASE("bursts: B jobs at once every T", "[mix][device]") {
    const auto r = run(R"({"duration_us": 500, "default": {
        "arrival": {"pattern": "burst", "size": 3, "every_us": 200},
        "workloads": [{"op": "copy", "bytes": 8192}]}})");
    const auto& vf = r.vfs.at(0);
    REQUIRE(vf.jobs.size() == 9);
    require_all_verified(vf);
    std::map<long, int> per_burst;
    for (const auto& j : vf.jobs) {
        ++per_burst[std::lround(us(j.arrived - r.start))];
    }
    CHECK(per_burst == std::map<long, int>{{0, 3}, {200, 3}, {400, 3}});
    // A burst's commands queue behind each other: the later ones wait for the columns.
    std::vector<double> queueing;
    for (const auto& c : vf.commands) {
        if (std::lround(us(c.arrived - r.start)) == 0) {
            queueing.push_back(us(c.started - c.submitted));
        }
    }
    REQUIRE(queueing.size() == 3);
    std::sort(queueing.begin(), queueing.end());
    CHECK(queueing[2] > queueing[0]);
}

TEST_CASE("closed loop: N jobs in flight, the next starts when one completes", "[mix][device]") {
    const auto r = run(R"({"jobs": 7, "default": {
        "arrival": {"pattern": "closed_loop", "outstanding": 2},
        "workloads": [{"op": "copy", "bytes": 8192}]}})");
    const auto& vf = r.vfs.at(0);
    REQUIRE(vf.commands.size() == 7);
    require_all_verified(vf);
    std::set<sc_core::sc_time> completions;
    for (const auto& c : vf.commands) {
        completions.insert(c.completed);
    }
    int at_start = 0;
    for (const auto& c : vf.commands) {
        if (c.arrived == r.start) {
            ++at_start;
        } else {
            CHECK(completions.count(c.arrived) == 1); // it replaced a job that just completed
        }
        // Never more than two in flight.
        int in_flight = 0;
        for (const auto& o : vf.commands) {
            in_flight += o.submitted <= c.submitted && c.submitted < o.completed ? 1 : 0;
        }
        CHECK(in_flight <= 2);
    }
    CHECK(at_start == 2);
}

TEST_CASE("every workload kind verifies; the transformer block step by step", "[mix][device]") {
    const auto r = run(R"({"jobs": 1, "vfs": {
        "1": {"workloads": [{"op": "transformer", "seq": 32, "d_model": 32, "d_ff": 64}]},
        "2": {"workloads": [{"op": "eltwise_chain", "steps": "add,mul,relu", "count": 3000,
                             "type": "int8", "shift": 3}]},
        "3": {"workloads": [{"op": "softmax", "rows": 16, "cols": 64}]},
        "4": {"workloads": [{"op": "gemm", "shape": "96x64x80", "type": "bf16"}]}}})",
                       4);
    REQUIRE(r.vfs.size() == 4);
    for (const auto& vf : r.vfs) {
        require_all_verified(vf);
        REQUIRE(vf.jobs.size() == 1);
        CHECK(vf.jobs[0].ok);
    }
    const auto& block = r.vfs[0].commands;
    REQUIRE(block.size() == 6);
    const std::vector<std::string> steps = {"gemm", "softmax", "gemm", "gemm", "relu", "gemm"};
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CHECK_THAT(block[i].op, Catch::StartsWith(steps[i]));
        if (i > 0) {
            CHECK(block[i].submitted >= block[i - 1].completed); // the host fed each step
        }
    }
    CHECK(block[0].ops == 2ull * 32 * 32 * 32);
    CHECK(block[5].ops == 2ull * 32 * 64 * 32);
    const auto& chain = r.vfs[1].commands;
    REQUIRE(chain.size() == 3);
    CHECK(chain[1].submitted < chain[0].completed); // one runlist, submitted together
}

TEST_CASE("the same seed gives the same run", "[mix][device]") {
    const std::string mix = R"({"jobs": 6, "default": {
        "arrival": {"pattern": "closed_loop", "outstanding": 2},
        "workloads": [{"op": "copy", "bytes": 4096, "weight": 1},
                      {"op": "eltwise", "kind": "add", "count": 2048, "weight": 2}]}})";
    const auto a = run(mix);
    const auto b = run(mix);
    REQUIRE(a.vfs[0].commands.size() == b.vfs[0].commands.size());
    std::set<std::string> kinds;
    for (std::size_t i = 0; i < a.vfs[0].commands.size(); ++i) {
        CHECK(a.vfs[0].commands[i].op == b.vfs[0].commands[i].op);
        CHECK(a.vfs[0].commands[i].completed == b.vfs[0].commands[i].completed);
        kinds.insert(a.vfs[0].commands[i].job);
    }
    CHECK(kinds.size() == 2);
}

TEST_CASE("a time slice keeps the columns for a context's queued commands", "[mix][device]") {
    const std::string mix = R"({"jobs": 12, "default": {
        "arrival": {"pattern": "closed_loop", "outstanding": 4},
        "workloads": [{"op": "copy", "bytes": 4096}]}})";
    auto switches_with = [&](double slice_us) {
        auto config = models::default_device_config();
        config.scheduler.time_slice = sc_core::sc_time(slice_us, sc_core::SC_US);
        const mh::WorkloadMix m = mix_of(mix);
        DeviceBench bench(config);
        mh::MixResult result;
        bench.run([&](mh::HostDriver& d) {
            bring_up(d, 2);
            result = mh::run_mix(d, m, 2, 99, std::uint64_t{1} << 32, kRegion);
        });
        REQUIRE(bench.failure.empty());
        for (const auto& vf : result.vfs) {
            REQUIRE(vf.commands.size() == 12);
            require_all_verified(vf);
        }
        return bench.device.commands().arbiter().switches();
    };
    const auto every_command = switches_with(0);
    const auto sliced = switches_with(1000);
    INFO("switches without a slice " << every_command << ", with 1 ms " << sliced);
    CHECK(every_command >= 12); // two VFs alternate command by command
    CHECK(sliced < every_command / 2);
}

TEST_CASE("joining processes that ended before the join reaches them", "[mix]") {
    FreshSimulation sim;
    bool joined = false;
    sc_core::sc_spawn([&] {
        std::vector<sc_core::sc_process_handle> ps;
        ps.push_back(sc_core::sc_spawn([] { sc_core::wait(10, sc_core::SC_NS); }));
        ps.push_back(sc_core::sc_spawn([] {})); // over long before the first one
        mh::join_all(ps);
        joined = sc_core::sc_time_stamp() == sc_core::sc_time(10, sc_core::SC_NS);
    });
    sc_core::sc_start(1, sc_core::SC_US);
    CHECK(joined);
}
