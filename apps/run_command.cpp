// `aie4sim run`: the standalone mode. No QEMU: a C++ host model plays the driver through the
// device's own interfaces (configuration space, PSP/SMU, mailboxes, host queues, doorbells,
// MSI-X) on simulated host memory, and every VF runs a GEMM at the same time, or, with --mix,
// its share of a workload mix under its arrival pattern (docs/workload-mixes.md).
#include "apps/commands.h"
#include "apps/gemm_option.h"
#include "apps/mix_report.h"
#include "apps/model_setup.h"
#include "apps/recording_options.h"
#include "common/config_node.h"
#include "common/log.h"
#include "models/aie4_device.h"
#include "models/host/host_driver.h"
#include "models/host/host_system.h"
#include "models/host/mix_runner.h"
#include "models/host/process_join.h"
#include "models/host/workload_runner.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <systemc>

namespace aie4sim::apps {

namespace po = boost::program_options;
namespace wl = aie4sim::tiles::workload;

namespace {

double micros(const sc_core::sc_time& t) {
    return t.to_seconds() * 1e6;
}

bool write_report(const std::string& path, const boost::json::object& report) {
    std::ofstream out(path);
    out << boost::json::serialize(report) << "\n";
    out.close();
    if (!out) {
        std::cerr << "aie4sim run: cannot write the report " << path << "\n";
        return false;
    }
    return true;
}

} // namespace

int run_command(const Arguments& args) {
    std::string config_file;
    std::string gemm_text;
    std::string json_path;
    std::string log_spec;
    std::string policy;
    std::string mix_text;
    unsigned vfs = 0;
    unsigned seed = 1000;
    trace::RecordingOptions recording;
    po::options_description options(
        "aie4sim run: the device without QEMU; a host model drives every VF through the same\n"
        "interfaces the driver uses, and each VF runs a GEMM, all at the same time");
    options.add_options()("help", "show this help")(
        "config", po::value(&config_file), "device description (JSON); built-in AIE4 defaults")(
        "vfs", po::value(&vfs)->default_value(0),
        "VFs to enable (0: TotalVFs)")("gemm", po::value(&gemm_text)->default_value("256x256x256"),
                                       "the GEMM each VF runs: MxKxN[:int8|bf16]")(
        "policy", po::value(&policy), "override the scheduling policy: time_sharing | spatial")(
        "mix", po::value(&mix_text),
        "run a workload mix instead of one GEMM per VF: a JSON file, or inline JSON "
        "(docs/workload-mixes.md)")("json", po::value(&json_path),
                                    "also write the results as JSON here")(
        "log", po::value(&log_spec)->default_value("warn"),
        "the model's log levels")("seed", po::value(&seed)->default_value(seed),
                                  "input data seed: VF n's inputs come from seed + n");
    add_recording_options(options, recording);
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    configure_model_log(log_spec);
    const auto loaded = load_config_or_report("run", config_file);
    if (!loaded) {
        return 2;
    }
    models::DeviceConfig config = *loaded;
    if (!policy.empty()) {
        if (policy != "time_sharing" && policy != "spatial") {
            throw std::invalid_argument("--policy must be time_sharing or spatial");
        }
        config.scheduler.policy = policy == "spatial" ? models::SchedulingPolicy::spatial
                                                      : models::SchedulingPolicy::time_sharing;
    }
    if (!json_path.empty()) {
        // Refuse an unwritable report before the run, not after it.
        const std::filesystem::path folder = std::filesystem::absolute(json_path).parent_path();
        if (!std::filesystem::is_directory(folder)) {
            throw std::invalid_argument("--json " + json_path + ": the folder " + folder.string() +
                                        " does not exist");
        }
    }
    const wl::GemmSpec gemm = parse_gemm_option(gemm_text);
    check_gemm_option(gemm_text, gemm, config.aie.geometry);
    if (vfs == 0) {
        vfs = config.sriov.total_vfs;
    }
    if (vfs > config.sriov.total_vfs) {
        throw std::invalid_argument("--vfs " + std::to_string(vfs) + ": the device has " +
                                    std::to_string(config.sriov.total_vfs) + " VFs");
    }
    std::optional<models::host::WorkloadMix> mix;
    if (vm.count("mix") != 0) {
        if (!vm["gemm"].defaulted()) {
            throw std::invalid_argument("--gemm and --mix exclude each other: a mix names its "
                                        "own workloads");
        }
        try {
            mix = models::host::load_mix(mix_text);
            models::host::check_mix(*mix, vfs, config);
        } catch (const models::host::MixError& e) {
            std::cerr << "aie4sim run: --mix: " << e.what() << "\n";
            return 2;
        }
    }

    models::Aie4Device device("aie4", config);
    // Each VF's buffers get a region of their own, room for the largest GEMM the builder takes
    // (three buffers of at most 4 GiB each, plus queue and code); sparse, so the size is free.
    constexpr std::uint64_t kVfRegion = std::uint64_t{1} << 36;
    models::host::HostSystem host("host", (std::uint64_t{vfs} + 2) * kVfRegion);
    models::host::HostDriver driver("driver", host, config);
    driver.config.bind(device.endpoint().config_in);
    driver.mem.bind(device.endpoint().mem_in);
    device.endpoint().outbound.bind(host.bus);
    boost::json::object about = recording_about("run");
    about["vfs"] = vfs;
    about["gemm"] = mix ? std::string("mix ") + mix->name : gemm_text;
    about["policy"] = models::policy_name(config.scheduler.policy);
    trace::DeviceRecording record(device, recording, std::move(about));

    std::vector<models::host::WorkloadResult> results(vfs);
    models::host::MixResult mix_result;
    std::string failure;
    sc_core::sc_time ready;
    sc_core::sc_spawn([&] {
        try {
            driver.enumerate();
            driver.probe_pf();
            driver.enable_vfs(vfs);
            ready = sc_core::sc_time_stamp();
            if (mix) {
                mix_result =
                    models::host::run_mix(driver, *mix, vfs, seed, 2 * kVfRegion, kVfRegion);
                sc_core::sc_stop();
                return;
            }
            std::vector<sc_core::sc_process_handle> workers;
            for (unsigned vf = 1; vf <= vfs; ++vf) {
                workers.push_back(sc_core::sc_spawn([&, vf] {
                    const std::uint64_t base = (std::uint64_t{vf} + 1) * kVfRegion;
                    try {
                        results[vf - 1] =
                            models::host::run_workload(driver, vf, {gemm, seed + vf}, base);
                    } catch (const std::exception& e) {
                        // A VF's failure is that VF's result, not the end of the run.
                        results[vf - 1].vf = vf;
                        results[vf - 1].error = e.what();
                    }
                }));
            }
            // A worker can end before the join reaches it (a VF whose build fails returns at
            // once): join_all does not wait on an event that has already fired.
            models::host::join_all(workers);
        } catch (const std::exception& e) {
            failure = e.what();
        }
        sc_core::sc_stop();
    });
    const auto wall_start = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    record.finish();
    if (!failure.empty()) {
        std::cerr << "aie4sim run: the host model failed: " << failure << "\n";
        return 1;
    }
    if (mix) {
        MixRunAbout a;
        a.mix_name = mix->name;
        a.vfs = vfs;
        a.policy = models::policy_name(config.scheduler.policy);
        a.array_columns = config.aie.geometry.columns;
        a.clock_hz = config.aie.timing.clock_hz;
        a.time_slice_us = config.scheduler.time_slice.to_seconds() * 1e6;
        a.context_switches = device.commands().arbiter().switches();
        a.seed = seed;
        a.bring_up_us = micros(ready);
        a.wall_seconds = wall;
        const boost::json::object report = mix_report(mix_result, a);
        print_mix_report(report);
        if (!json_path.empty() && !write_report(json_path, report)) {
            return 1;
        }
        return mix_all_ok(mix_result) ? 0 : 1;
    }

    const double clock_hz = config.aie.timing.clock_hz;
    std::printf("aie4sim run: %u VFs, %s scheduling, %u-column array at %.0f MHz, each VF: GEMM "
                "%ux%ux%u %s\n",
                vfs, models::policy_name(config.scheduler.policy), config.aie.geometry.columns,
                clock_hz / 1e6, gemm.m, gemm.k, gemm.n,
                gemm.type == wl::GemmType::int8_int32 ? "int8" : "bf16");
    std::printf("%-4s %-9s %5s %12s %14s %12s %10s\n", "VF", "result", "cols", "array (us)",
                "end to end (us)", "cycles", "TOPS");
    bool all_ok = true;
    sc_core::sc_time first = sc_core::SC_ZERO_TIME, last = sc_core::SC_ZERO_TIME;
    std::uint64_t total_ops = 0;
    boost::json::array rows;
    for (const auto& r : results) {
        const bool ok = r.completed && r.verified;
        all_ok = all_ok && ok;
        const double array_us = micros(r.finished - r.started);
        const double tops = array_us > 0 ? r.useful_ops / (array_us * 1e-6) / 1e12 : 0;
        std::printf("%-4u %-9s %5u %12.2f %14.2f %12llu %10.3f%s%s\n", r.vf,
                    ok ? "verified" : "FAILED", r.columns, array_us,
                    micros(r.completed_at - r.submitted), static_cast<unsigned long long>(r.cycles),
                    tops, r.error.empty() ? "" : "  ", r.error.c_str());
        if (first == sc_core::SC_ZERO_TIME || r.started < first) {
            first = r.started;
        }
        last = std::max(last, r.finished);
        total_ops += r.useful_ops;
        boost::json::object row;
        row["vf"] = r.vf;
        row["op"] = r.op;
        row["verified"] = ok;
        row["error"] = r.error;
        row["columns"] = r.columns;
        row["array_us"] = array_us;
        row["end_to_end_us"] = micros(r.completed_at - r.submitted);
        row["cycles"] = r.cycles;
        row["tops"] = tops;
        rows.push_back(std::move(row));
    }
    const double makespan_us = micros(last - first);
    const double aggregate = makespan_us > 0 ? total_ops / (makespan_us * 1e-6) / 1e12 : 0;
    const double peak = 4096.0 * config.aie.geometry.columns * clock_hz / 1e12;
    std::printf("all VFs: %.2f us of simulated time on the array, %.3f TOPS together "
                "(the driver's peak for %u columns: %.2f TOPS)\n",
                makespan_us, aggregate, config.aie.geometry.columns, peak);
    std::printf("bring-up (PF probe, %u VFs) took %.2f us of simulated time; the whole run %.2f s "
                "of wall time\n",
                vfs, micros(ready), wall);
    if (!json_path.empty()) {
        boost::json::object report;
        report["vfs"] = vfs;
        report["policy"] = models::policy_name(config.scheduler.policy);
        report["results"] = std::move(rows);
        report["makespan_us"] = makespan_us;
        report["aggregate_tops"] = aggregate;
        report["peak_tops"] = peak;
        report["wall_seconds"] = wall;
        if (!write_report(json_path, report)) {
            return 1;
        }
    }
    return all_ok ? 0 : 1;
}

} // namespace aie4sim::apps
