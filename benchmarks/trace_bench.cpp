// trace_bench: what tracing costs. The same device run (the host model brings the device up
// and runs a GEMM on each of 4 VFs at once, as `aie4sim run` does) is timed in four modes,
// interleaved and repeated, in one process:
//   off        no observer attached: every hook is one null-pointer test (the default);
//   null       an observer whose methods do nothing: every hook makes its virtual call;
//   timeline   the device timeline writing trace-event JSON to /dev/null;
//   waveform   not interleaved: SystemC's VCD tracing can only be set up before a kernel's
//              first run, so it gets a run of its own at the end, with the timeline off.
// "null" costs at least what "off" does plus the calls, so null / off bounds what the hooks
// cost when tracing is off; the benchmark prints that ratio with its spread over repetitions,
// the hook calls per run, and the cost per call. Writes trace_bench.json (--json FILE).

#include "benchmarks/host_cpu.h"
#include "common/log.h"
#include "models/aie4_device.h"
#include "models/host/host_driver.h"
#include "models/host/host_system.h"
#include "models/host/workload_runner.h"
#include "testbench/fresh_simulation.h"
#include "trace/device_timeline.h"
#include "trace/waveform.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace aie4sim;

// Counts the hook calls and does nothing else.
class NullObserver : public tiles::ArrayObserver,
                     public models::DeviceObserver,
                     public pcie::InterruptObserver {
public:
    std::uint64_t calls = 0;
    void dma_task_begin(unsigned, unsigned, tiles::TileKind, tiles::DmaDir, unsigned, unsigned,
                        unsigned) override {
        ++calls;
    }
    void dma_task_end(unsigned, unsigned, tiles::DmaDir, unsigned, std::uint64_t,
                      TaskEnd) override {
        ++calls;
    }
    void core_begin(unsigned, unsigned, std::uint32_t, std::uint32_t, std::uint32_t) override {
        ++calls;
    }
    void core_end(unsigned, unsigned, bool) override { ++calls; }
    void kernel_begin(unsigned, unsigned, std::uint32_t, std::uint64_t) override { ++calls; }
    void kernel_end(unsigned, unsigned, bool) override { ++calls; }
    void doorbell(unsigned, std::uint32_t) override { ++calls; }
    void command_fetched(unsigned, std::uint32_t, std::uint64_t, std::uint64_t) override {
        ++calls;
    }
    void command_phase(unsigned, std::uint32_t, std::string_view) override { ++calls; }
    void command_done(unsigned, std::uint32_t, std::uint64_t, bool, std::string_view,
                      std::uint64_t) override {
        ++calls;
    }
    void columns_granted(unsigned, unsigned, unsigned, std::uint32_t, bool) override { ++calls; }
    void columns_released(unsigned, unsigned) override { ++calls; }
    void message_begin(unsigned, std::uint32_t, std::string_view) override { ++calls; }
    void message_end(unsigned, bool, std::uint32_t) override { ++calls; }
    void mailbox_published(unsigned) override { ++calls; }
    void msix(unsigned, unsigned, Msix) override { ++calls; }
};

enum class Mode { off, null, timeline, waveform };

struct Run {
    double wall_s = 0;
    std::uint64_t calls = 0;
    std::uint64_t events = 0;
};

Run run_once(Mode mode, unsigned vfs, std::uint32_t size) {
    testing::FreshSimulation fresh;
    models::DeviceConfig config = models::default_device_config();
    models::Aie4Device device("aie4", config);
    models::host::HostSystem host("host", std::uint64_t{1} << 40);
    models::host::HostDriver driver("driver", host, config);
    driver.config.bind(device.endpoint().config_in);
    driver.mem.bind(device.endpoint().mem_in);
    device.endpoint().outbound.bind(host.bus);
    NullObserver null;
    std::ofstream sink("/dev/null");
    std::unique_ptr<trace::TraceEventWriter> writer;
    std::unique_ptr<trace::DeviceTimeline> timeline;
    std::unique_ptr<trace::Waveform> waveform;
    if (mode == Mode::null) {
        device.array().context().set_observer(&null);
        device.commands().set_observer(&null);
        for (unsigned f = 0; f <= config.sriov.total_vfs; ++f) {
            (f == 0 ? device.endpoint().pf() : device.endpoint().vf(f))
                .set_interrupt_observer(&null);
            device.mailbox(f).set_observer(&null);
        }
    } else if (mode == Mode::timeline) {
        writer = std::make_unique<trace::TraceEventWriter>(sink);
        timeline = std::make_unique<trace::DeviceTimeline>(device, *writer);
    } else if (mode == Mode::waveform) {
        waveform = std::make_unique<trace::Waveform>(device, "/tmp/trace_bench.vcd");
    }
    bool ok = true;
    sc_core::sc_spawn([&] {
        driver.enumerate();
        driver.probe_pf();
        driver.enable_vfs(vfs);
        std::vector<sc_core::sc_process_handle> workers;
        for (unsigned vf = 1; vf <= vfs; ++vf) {
            workers.push_back(sc_core::sc_spawn([&, vf] {
                const auto r = models::host::run_workload(
                    driver, vf,
                    {tiles::workload::GemmSpec{size, size, size,
                                               tiles::workload::GemmType::int8_int32},
                     vf},
                    (std::uint64_t{vf} + 1) << 32);
                ok = ok && r.verified;
            }));
        }
        for (auto& w : workers) {
            if (!w.terminated()) {
                wait(w.terminated_event());
            }
        }
        sc_core::sc_stop();
    });
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    Run r;
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!ok) {
        throw std::runtime_error("a GEMM was not verified");
    }
    r.calls = null.calls;
    if (timeline) {
        timeline->finish();
        r.events = writer->events();
        timeline.reset();
    }
    if (waveform) {
        waveform->close();
        std::remove("/tmp/trace_bench.vcd");
    }
    return r;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int sc_main(int argc, char* argv[]) {
    std::string json_path = "trace_bench.json";
    int repetitions = 9;
    std::uint32_t size = 256;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc) {
            json_path = argv[++i];
        } else if (arg == "--repetitions" && i + 1 < argc) {
            repetitions = std::max(3, std::atoi(argv[++i]));
        } else if (arg == "--gemm" && i + 1 < argc) {
            size = static_cast<std::uint32_t>(std::atoi(argv[++i]));
        } else {
            std::cerr << "usage: trace_bench [--json FILE] [--repetitions N] [--gemm SIZE]\n";
            return 2;
        }
    }
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    common::log_configure("warn");
    const unsigned vfs = 4;
    run_once(Mode::off, vfs, size); // warm up caches and the allocator
    std::vector<double> off, null, timeline, ratio;
    std::uint64_t calls = 0, events = 0;
    for (int i = 0; i < repetitions; ++i) {
        const Run a = run_once(Mode::off, vfs, size);
        const Run b = run_once(Mode::null, vfs, size);
        const Run c = run_once(Mode::timeline, vfs, size);
        off.push_back(a.wall_s);
        null.push_back(b.wall_s);
        timeline.push_back(c.wall_s);
        ratio.push_back(b.wall_s / a.wall_s);
        calls = b.calls;
        events = c.events;
    }
    const Run wave = run_once(Mode::waveform, vfs, size);
    std::sort(ratio.begin(), ratio.end());
    const double m_off = median(off), m_null = median(null), m_tl = median(timeline);
    double load = -1;
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1) {
            load = -1;
        }
        std::fclose(f);
    }
    std::printf("trace_bench: CPU %s, %u hardware threads, load %.2f; %u VFs x GEMM %u^3 int8, "
                "medians of %d interleaved runs\n",
                aie4sim::bench::cpu_model().c_str(), std::thread::hardware_concurrency(), load, vfs,
                size, repetitions);
    std::printf("  off (hooks: null-pointer tests)   %8.2f ms\n", 1e3 * m_off);
    std::sort(off.begin(), off.end());
    const double noise = (off.back() - off.front()) / m_off;
    std::printf("  null observer (hooks called)      %8.2f ms  = %.3fx off (per run: %.3f .. "
                "%.3f); %llu hook calls per run\n",
                1e3 * m_null, m_null / m_off, ratio.front(), ratio.back(),
                static_cast<unsigned long long>(calls));
    std::printf("  run-to-run spread of off          %7.1f %% of its median: a difference "
                "below it is not measurable here\n",
                100 * noise);
    std::printf("  timeline to /dev/null             %8.2f ms  = %.3fx off; %llu trace events\n",
                1e3 * m_tl, m_tl / m_off, static_cast<unsigned long long>(events));
    std::printf("  waveform (VCD, one run)           %8.2f ms  = %.3fx off\n", 1e3 * wave.wall_s,
                wave.wall_s / m_off);
    boost::json::object report{{"benchmark", "trace_bench"},
                               {"cpu", aie4sim::bench::cpu_model()},
                               {"load_1min", load},
                               {"vfs", vfs},
                               {"gemm", size},
                               {"repetitions", repetitions},
                               {"off_seconds", m_off},
                               {"null_observer_seconds", m_null},
                               {"timeline_seconds", m_tl},
                               {"waveform_seconds", wave.wall_s},
                               {"null_vs_off_ratio", m_null / m_off},
                               {"null_vs_off_ratio_min", ratio.front()},
                               {"null_vs_off_ratio_max", ratio.back()},
                               {"timeline_vs_off_ratio", m_tl / m_off},
                               {"waveform_vs_off_ratio", wave.wall_s / m_off},
                               {"hook_calls_per_run", calls},
                               {"off_spread_fraction", noise},
                               {"trace_events_per_run", events}};
    std::ofstream(json_path) << boost::json::serialize(report) << "\n";
    std::printf("  report                            %s\n", json_path.c_str());
    return 0;
}
