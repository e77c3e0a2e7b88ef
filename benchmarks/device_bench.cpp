// device_bench: what the whole device model costs in memory and time.
//
// Each case runs in a fresh process (this program re-executes itself with --case), so each
// peak resident set (VmHWM) is that case's alone:
//   - baseline: the same executable with the SystemC kernel started and nothing in it;
//   - default:  the built-in AIE4 device (3-column partition, TotalVFs 4) with the host model
//               probing the PF, enabling every VF and running a GEMM on each, all verified;
//   - vfs16:    the same with TotalVFs 16 and 16 VFs working at once.
// The model's own cost is the case's peak minus the baseline's. The simulated host memory
// lives in the same process (sparse, only what the workloads touch), so the figures are an
// upper bound for `aie4sim model`, whose host memory is QEMU's.
// Prints figures and ratios (against the baseline, the default device and the 64 MiB target
// for the default partition) and writes a JSON report (--json FILE).

#include "common/log.h"
#include "models/aie4_device.h"
#include "models/host/host_driver.h"
#include "models/host/host_system.h"
#include "models/host/workload_runner.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdlib.h>
#include <string>
#include <systemc>
#include <unistd.h>
#include <vector>

namespace {

using namespace aie4sim;
namespace po = boost::program_options;

constexpr double kTargetMiB = 64.0;

// Peak and current resident set of this process, from /proc (VmHWM survives nothing but this
// process image, unlike getrusage's ru_maxrss, which exec inherits).
double proc_status_mib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            return std::stod(line.substr(field.size() + 1)) / 1024.0; // kB
        }
    }
    return 0;
}

struct CaseResult {
    std::string name;
    unsigned vfs = 0;
    bool ok = true;
    std::string error;
    double peak_mib = 0;
    double wall_s = 0;
    double simulated_us = 0;
};

CaseResult run_baseline() {
    CaseResult r;
    r.name = "baseline";
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start(sc_core::sc_time(1, sc_core::SC_US));
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.simulated_us = sc_core::sc_time_stamp().to_seconds() * 1e6;
    return r;
}

CaseResult run_device(const std::string& name, unsigned total_vfs, unsigned gemm_size) {
    CaseResult r;
    r.name = name;
    r.vfs = total_vfs;
    models::DeviceConfig config = models::default_device_config();
    config.sriov.total_vfs = total_vfs;
    models::validate_device_config(config);

    auto device = std::make_unique<models::Aie4Device>("aie4", config);
    auto host = std::make_unique<models::host::HostSystem>("host", std::uint64_t{1} << 40);
    auto driver = std::make_unique<models::host::HostDriver>("driver", *host, config);
    driver->config.bind(device->endpoint().config_in);
    driver->mem.bind(device->endpoint().mem_in);
    device->endpoint().outbound.bind(host->bus);

    std::vector<models::host::WorkloadResult> results(total_vfs);
    sc_core::sc_spawn([&] {
        try {
            driver->enumerate();
            driver->probe_pf();
            driver->enable_vfs(total_vfs);
            std::vector<sc_core::sc_process_handle> workers;
            for (unsigned vf = 1; vf <= total_vfs; ++vf) {
                workers.push_back(sc_core::sc_spawn([&, vf] {
                    tiles::workload::GemmSpec gemm;
                    gemm.m = gemm.k = gemm.n = gemm_size;
                    const std::uint64_t base = (std::uint64_t{vf} + 1) << 32;
                    results[vf - 1] = models::host::run_workload(*driver, vf, {gemm, 7 * vf}, base);
                }));
            }
            for (auto& w : workers) {
                sc_core::wait(w.terminated_event());
            }
        } catch (const std::exception& e) {
            r.ok = false;
            r.error = e.what();
        }
        sc_core::sc_stop();
    });
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.simulated_us = sc_core::sc_time_stamp().to_seconds() * 1e6;
    for (const auto& w : results) {
        if (!(w.completed && w.verified)) {
            r.ok = false;
            r.error =
                "VF " + std::to_string(w.vf) + ": " + (w.error.empty() ? "not verified" : w.error);
        }
    }
    return r;
}

boost::json::object to_json(const CaseResult& r) {
    boost::json::object o;
    o["case"] = r.name;
    o["vfs"] = r.vfs;
    o["ok"] = r.ok;
    o["error"] = r.error;
    o["peak_rss_mib"] = r.peak_mib;
    o["wall_s"] = r.wall_s;
    o["simulated_us"] = r.simulated_us;
    return o;
}

CaseResult from_json(const boost::json::value& v) {
    const auto& o = v.as_object();
    CaseResult r;
    r.name = std::string(o.at("case").as_string());
    r.vfs = static_cast<unsigned>(o.at("vfs").to_number<std::uint64_t>());
    r.ok = o.at("ok").as_bool();
    r.error = std::string(o.at("error").as_string());
    r.peak_mib = o.at("peak_rss_mib").to_number<double>();
    r.wall_s = o.at("wall_s").to_number<double>();
    r.simulated_us = o.at("simulated_us").to_number<double>();
    return r;
}

// The child side: one case, one JSON line on stdout.
int child_main(const std::string& name, unsigned gemm_size) {
    CaseResult r;
    try {
        if (name == "baseline") {
            r = run_baseline();
        } else if (name == "default") {
            r = run_device(name, models::default_device_config().sriov.total_vfs, gemm_size);
        } else if (name == "vfs16") {
            r = run_device(name, 16, gemm_size);
        } else {
            std::cerr << "device_bench: unknown case " << name << "\n";
            return 2;
        }
    } catch (const std::exception& e) {
        r.name = name;
        r.ok = false;
        r.error = e.what();
    }
    r.peak_mib = proc_status_mib("VmHWM");
    std::cout << boost::json::serialize(to_json(r)) << std::endl;
    return r.ok ? 0 : 1;
}

CaseResult run_case_process(const std::string& name, unsigned gemm_size,
                            const std::string& log_spec) {
    const std::string command = "/proc/" + std::to_string(getpid()) + "/exe --case " + name +
                                " --gemm " + std::to_string(gemm_size) + " --log '" + log_spec +
                                "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) {
        throw std::runtime_error("cannot start " + command);
    }
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
        output += buffer;
    }
    const auto brace = output.rfind("\n{", output.size() - 2);
    const std::string line = output.substr(brace == std::string::npos ? 0 : brace + 1);
    try {
        return from_json(boost::json::parse(line));
    } catch (const std::exception&) {
        throw std::runtime_error("case " + name + " printed no report: " + output);
    }
}

} // namespace

// Our own main so that neither this process nor the cases print SystemC's banner.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
    std::string case_name;
    std::string log_spec = "warn";
    std::string json_path = "device_bench.json";
    unsigned gemm_size = 256;
    po::options_description options("device_bench: peak memory and wall time of the device model");
    options.add_options()("help", "show this help")(
        "json", po::value(&json_path)->default_value(json_path), "write the JSON report here")(
        "gemm", po::value(&gemm_size)->default_value(gemm_size), "each VF runs an NxNxN int8 GEMM")(
        "log", po::value(&log_spec)->default_value(log_spec), "the model's log levels (cases)")(
        "case", po::value(&case_name), "(internal) run one case in this process");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0U) {
        std::cout << options;
        return 0;
    }
    if (!case_name.empty()) {
        common::log_configure(log_spec);
        return child_main(case_name, gemm_size);
    }

    std::vector<CaseResult> results;
    for (const char* name : {"baseline", "default", "vfs16"}) {
        results.push_back(run_case_process(name, gemm_size, log_spec));
    }
    const CaseResult& base = results[0];
    const CaseResult& dflt = results[1];
    std::printf("device_bench: each VF runs a %ux%ux%u int8 GEMM; each case in its own process\n",
                gemm_size, gemm_size, gemm_size);
    std::printf("%-9s %4s %-4s %10s %11s %11s %9s %12s\n", "case", "VFs", "ok", "peak MiB",
                "model MiB", "x baseline", "wall s", "simulated us");
    boost::json::array cases;
    for (const auto& r : results) {
        const double model = r.peak_mib - base.peak_mib;
        std::printf("%-9s %4u %-4s %10.1f %11.1f %11.2f %9.3f %12.1f%s%s\n", r.name.c_str(), r.vfs,
                    r.ok ? "yes" : "NO", r.peak_mib, model, r.peak_mib / base.peak_mib, r.wall_s,
                    r.simulated_us, r.error.empty() ? "" : "  ", r.error.c_str());
        auto o = to_json(r);
        o["model_mib"] = model;
        o["ratio_to_baseline"] = r.peak_mib / base.peak_mib;
        cases.push_back(std::move(o));
    }
    const CaseResult& many = results[2];
    const double per_extra_vf =
        (many.peak_mib - dflt.peak_mib) / static_cast<double>(many.vfs - dflt.vfs);
    std::printf("default partition: %.1f MiB peak = %.2f of the %.0f MiB target\n", dflt.peak_mib,
                dflt.peak_mib / kTargetMiB, kTargetMiB);
    std::printf("16 VFs: %.2fx the default device's peak, %.2f MiB per added VF\n",
                many.peak_mib / dflt.peak_mib, per_extra_vf);

    boost::json::object report;
    report["benchmark"] = "device_bench";
    report["gemm"] = gemm_size;
    report["cases"] = std::move(cases);
    report["target_mib"] = kTargetMiB;
    report["default_ratio_to_target"] = dflt.peak_mib / kTargetMiB;
    report["vfs16_ratio_to_default"] = many.peak_mib / dflt.peak_mib;
    report["mib_per_added_vf"] = per_extra_vf;
    std::ofstream(json_path) << boost::json::serialize(report) << "\n";
    std::printf("wrote %s\n", json_path.c_str());
    bool all_ok = true;
    for (const auto& r : results) {
        all_ok = all_ok && r.ok;
    }
    return all_ok ? 0 : 1;
}
