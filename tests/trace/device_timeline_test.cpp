// The device timeline in one process: the host model brings the device up, runs a GEMM on two
// VFs and resets one VF; the trace then has every kind of track, with the right events on it.
#include "models/host/workload_runner.h"
#include "pcie/express_capability.h"
#include "tests/models/device_fixture.h"
#include "trace/device_timeline.h"
#include "trace/waveform.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace aie4sim;
using testing::DeviceBench;

namespace {

struct Parsed {
    std::map<std::int64_t, std::string> processes;
    std::map<std::pair<std::int64_t, std::int64_t>, std::string> tracks;
    std::vector<boost::json::object> events;

    std::string process_of(const boost::json::object& e) const {
        auto it = processes.find(e.at("pid").as_int64());
        return it == processes.end() ? "" : it->second;
    }
    std::string track_of(const boost::json::object& e) const {
        auto it = tracks.find({e.at("pid").as_int64(), e.at("tid").as_int64()});
        return it == tracks.end() ? "" : it->second;
    }
    std::size_t count(const std::string& process, const std::string& ph,
                      const std::string& name_prefix) const {
        std::size_t n = 0;
        for (const auto& e : events) {
            if (process_of(e) == process && e.at("ph").as_string() == ph &&
                std::string(e.at("name").as_string()).rfind(name_prefix, 0) == 0) {
                ++n;
            }
        }
        return n;
    }
};

Parsed parse(const std::string& text) {
    Parsed p;
    const boost::json::value doc = boost::json::parse(text);
    for (const auto& v : doc.as_object().at("traceEvents").as_array()) {
        const auto& e = v.as_object();
        if (e.at("ph").as_string() == "M" && e.at("name").as_string() == "process_name") {
            p.processes[e.at("pid").as_int64()] = e.at("args").at("name").as_string().c_str();
        } else if (e.at("ph").as_string() == "M" && e.at("name").as_string() == "thread_name") {
            p.tracks[{e.at("pid").as_int64(), e.at("tid").as_int64()}] =
                e.at("args").at("name").as_string().c_str();
        } else {
            p.events.push_back(e);
        }
    }
    return p;
}

} // namespace

TEST_CASE("a device timeline records commands, columns, DMA, cores, mailboxes, FLR and MSI-X",
          "[trace]") {
    std::ostringstream out;
    DeviceBench b;
    trace::TraceEventWriter writer(out);
    auto timeline = std::make_unique<trace::DeviceTimeline>(b.device, writer);
    std::vector<models::host::WorkloadResult> results(2);
    bool reached_end = false;
    b.run([&](models::host::HostDriver& d) {
        testing::bring_up(d, 2);
        std::vector<sc_core::sc_process_handle> workers;
        for (unsigned vf = 1; vf <= 2; ++vf) {
            workers.push_back(sc_core::sc_spawn([&, vf] {
                results[vf - 1] = models::host::run_workload(
                    d, vf,
                    {tiles::workload::GemmSpec{64, 64, 64, tiles::workload::GemmType::int8_int32},
                     vf},
                    (std::uint64_t{vf} + 1) << 32);
            }));
        }
        for (auto& w : workers) {
            if (!w.terminated()) {
                wait(w.terminated_event());
            }
        }
        const std::uint16_t devctl =
            b.device.endpoint().vf(2).express_offset() + pcie::express::kDeviceControl;
        d.cfg_write(2, devctl, 2, pcie::express::kDevCtlInitiateFlr);
        wait(sc_core::sc_time(10, sc_core::SC_MS));
        reached_end = true;
    });
    REQUIRE(b.failure.empty());
    REQUIRE(reached_end);
    REQUIRE(results[0].verified);
    REQUIRE(results[1].verified);
    timeline->finish();
    timeline.reset();

    const Parsed p = parse(out.str());
    const std::set<std::string> processes = [&] {
        std::set<std::string> s;
        for (const auto& [pid, name] : p.processes) {
            s.insert(name);
        }
        return s;
    }();
    CHECK(processes == std::set<std::string>{"VF contexts", "Array columns", "DMA channels",
                                             "Cores", "Firmware", "Interrupts"});
    // One command per VF, each with its phases, from fetch to done, and a doorbell before it.
    CHECK(p.count("VF contexts", "X", "command ") == 2);
    CHECK(p.count("VF contexts", "X", "run") == 2);
    CHECK(p.count("VF contexts", "i", "doorbell") >= 2);
    for (const auto& e : p.events) {
        if (p.process_of(e) == "VF contexts" && e.at("ph").as_string() == "X" &&
            std::string(e.at("name").as_string()).rfind("command ", 0) == 0) {
            CHECK(e.at("args").at("status").as_string() == "ok");
            CHECK(e.at("args").at("cycles").as_int64() > 0);
        }
    }
    // The columns were held by both VFs' contexts (time sharing: one after the other), each
    // cleared first for its new owner.
    std::set<std::string> holders;
    for (const auto& e : p.events) {
        if (p.process_of(e) == "Array columns" && e.at("ph").as_string() == "X" &&
            e.at("cat").as_string() == "column") {
            holders.insert(e.at("name").as_string().c_str());
        }
    }
    CHECK(holders == std::set<std::string>{"VF1 context 1", "VF2 context 1", "context switch"});
    // DMA tasks with bytes, kernel runs, mailbox messages with reply status.
    std::uint64_t shim_bytes = 0;
    for (const auto& e : p.events) {
        if (p.process_of(e) == "DMA channels" && e.at("ph").as_string() == "X" &&
            p.track_of(e).rfind("shim", 0) == 0) {
            shim_bytes += e.at("args").at("bytes").as_int64();
        }
    }
    // Each VF's GEMM reads A and B (64x64 int8 each; a column may read a panel of A again) and
    // writes C (64x64 int32) through the shims.
    CHECK(shim_bytes >= std::uint64_t{2} * (64 * 64 + 64 * 64 + 64 * 64 * 4));
    CHECK(p.count("Cores", "X", "gemm") > 0);
    CHECK(p.count("Firmware", "X", "CREATE_HW_CONTEXT") == 2);
    CHECK(p.count("Firmware", "X", "function level reset") == 1);
    for (const auto& e : p.events) {
        if (e.at("name").as_string() == "function level reset") {
            CHECK(e.at("args").at("recovered").as_bool());    // ended by the republished mailbox
            CHECK(e.at("dur").as_double() == Approx(5000.0)); // flr_recovery: 5 ms
        }
    }
    CHECK(p.count("Interrupts", "i", "MSI-X vector") > 0);
    std::set<std::string> irq_tracks;
    for (const auto& e : p.events) {
        if (p.process_of(e) == "Interrupts") {
            irq_tracks.insert(p.track_of(e));
        }
    }
    CHECK(irq_tracks.count("VF1 MSI-X") == 1);
    CHECK(irq_tracks.count("VF2 MSI-X") == 1);
}

TEST_CASE("without a timeline the device runs with its observers unset", "[trace]") {
    DeviceBench b;
    CHECK(b.device.array().context().observer() == nullptr);
    {
        std::ostringstream out;
        trace::TraceEventWriter writer(out);
        trace::DeviceTimeline timeline(b.device, writer);
        CHECK(b.device.array().context().observer() != nullptr);
    }
    CHECK(b.device.array().context().observer() == nullptr); // detached on destruction
}

TEST_CASE("an unwritable waveform file is refused with its name", "[trace]") {
    DeviceBench b;
    CHECK_THROWS_WITH(trace::Waveform(b.device, "/nonexistent-dir/w.vcd"),
                      Catch::Contains("/nonexistent-dir/w.vcd"));
}
