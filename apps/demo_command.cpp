// `aie4sim demo`: the full system. Boots Debian's 7.3.4 kernel in QEMU against the model,
// loads the real amdxdna driver, enables the VFs, and runs a GEMM on every VF at the same time,
// by default through AMD's own user space (Debian's XRT 2.25: an ELF from the real aiebu-asm,
// xrt::hw_context, xrt::run), or with --via uapi through our raw-UAPI program. Every result is
// checked against a CPU reference; the demo prints per-VF simulated time, throughput and wall
// time.
#include "apps/command_times.h"
#include "apps/commands.h"
#include "apps/demo_workload.h"
#include "apps/gemm_option.h"
#include "apps/guest_launcher.h"
#include "apps/model_setup.h"
#include "apps/recording_options.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace aie4sim::apps {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// The guest part shared by both paths: the VFs, then one program per VF in the background
// (PROGRAM gets the VF's BDF and its number), then each VF's result line marked DEMO-VF<n>.
std::string demo_script(unsigned vfs, const std::string& how, const std::string& program,
                        const std::string& result_pattern) {
    std::ostringstream s;
    s << "set -e\n"
      << "echo 'demo: loading amdxdna and enabling " << vfs << " VFs'\n"
      << "aie4sim-setup-vfs " << vfs << " >/dev/null\n"
      << "ls /dev/accel\n"
      << "echo 'demo: one GEMM per VF, all at the same time, " << how << "'\n"
      << "i=0\n"
      << "for vf in $(ls -d /sys/bus/pci/devices/0000:01:00.0/virtfn* | sort -V); do\n"
      << "  bdf=$(basename $(readlink $vf)); i=$((i + 1))\n"
      << "  " << program << " > /tmp/demo$i.txt 2>&1 &\n"
      << "done\n"
      << "set +e; status=0\n"
      << "for job in $(jobs -p); do wait $job || status=1; done\n"
      << "for n in $(seq 1 $i); do sed \"s/^/DEMO-VF$n /\" /tmp/demo$n.txt | grep -E "
      << "'DEMO-VF[0-9]+ (" << result_pattern << ")'; done\n"
      << "exit $status\n";
    return s.str();
}

// aie4sim-xrt-gemm on each VF with the layout file built for its partition.
std::string xrt_program(const DemoWorkloads& w) {
    std::ostringstream s;
    s << "case $i in";
    for (std::size_t vf = 0; vf < w.layout.size(); ++vf) {
        s << " " << vf + 1 << ") layout=" << w.layout[vf] << " ;;";
    }
    s << " esac; aie4sim-xrt-gemm $bdf /aie4sim/files/$layout --seed $i";
    return s.str();
}

struct VfResult {
    std::string function;
    bool verified = false;
    double simulated_us = 0;
    std::uint64_t cycles = 0;
    double tops = 0;
    double wall_ms = 0;
};

// "gemm 256x256x256 int8 on 0000:01:00.1 (RyzenAI-npu3-vf): verified; 1 run, wall 24.40 ms per
//  run (first 24.40 ms)" and the VF's simulated time from the model's log.
bool parse_xrt_result(const std::string& text, const CommandTimes* times, std::uint64_t ops,
                      VfResult& r) {
    static const std::regex line(
        R"(^gemm \S+ \S+ on (\S+) \([^)]*\): (verified|WRONG)(?:.*wall ([0-9.]+) ms per run)?.*$)");
    std::smatch g;
    if (!std::regex_match(text, g, line)) {
        return false;
    }
    r.function = g[1].str();
    r.verified = g[2].str() == "verified";
    r.wall_ms = g[3].matched ? std::stod(g[3].str()) : 0;
    if (times != nullptr && times->commands > 0) {
        r.simulated_us = times->simulated_us / times->commands;
        r.cycles = times->cycles / times->commands;
        r.tops = r.simulated_us > 0 ? static_cast<double>(ops) / (r.simulated_us * 1e-6) / 1e12 : 0;
    }
    return true;
}

// "gemm 256x256x256 int8 on 0000:01:00.1: verified; simulated 33.11 us per command
//  (39749 cycles), 1.013 TOPS; wall 24.4 ms for 1 command"
bool parse_uapi_result(const std::string& text, VfResult& r) {
    static const std::regex line(
        R"(^gemm \S+ \S+ on (\S+): (\S+); simulated ([0-9.]+) us per command \((\d+) cycles\), ([0-9.]+) TOPS; wall ([0-9.]+) ms.*$)");
    std::smatch g;
    if (!std::regex_match(text, g, line)) {
        return false;
    }
    r.function = g[1].str();
    r.verified = g[2].str() == "verified";
    r.simulated_us = std::stod(g[3].str());
    r.cycles = std::stoull(g[4].str());
    r.tops = std::stod(g[5].str());
    r.wall_ms = std::stod(g[6].str());
    return true;
}

// A folder for the run's own files (the workload, the model's log), removed at the end.
class ScratchFolder {
public:
    ScratchFolder() {
        std::string pattern = (fs::temp_directory_path() / "aie4sim-demo-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("cannot create a folder in " +
                                     fs::temp_directory_path().string());
        }
        path_ = pattern;
    }
    ~ScratchFolder() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ScratchFolder(const ScratchFolder&) = delete;
    ScratchFolder& operator=(const ScratchFolder&) = delete;
    [[nodiscard]] const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

} // namespace

int demo_command(const Arguments& args) {
    // --vms N: the same GEMM, one VF per guest VM on one model (aie4sim vms).
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--vms" || args[i].rfind("--vms=", 0) == 0) {
            Arguments rest = args;
            const std::string n =
                args[i] == "--vms" ? (i + 1 < args.size() ? args[i + 1] : "") : args[i].substr(6);
            rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(i),
                       rest.begin() + static_cast<std::ptrdiff_t>(args[i] == "--vms"
                                                                      ? std::min(i + 2, args.size())
                                                                      : i + 1));
            rest.insert(rest.end(), {"--guests", n});
            return vms_command(rest);
        }
    }
    GuestOptions o;
    unsigned vfs = 4;
    std::string gemm = "256x256x256";
    std::string type = "int8";
    trace::RecordingOptions recording;
    std::string via = "xrt";
    po::options_description options(
        "aie4sim demo: the full system: a guest with the real amdxdna driver enables the VFs\n"
        "and runs a GEMM on each of them at the same time, through the model");
    options.add_options()("help", "show this help")(
        "config", po::value(&o.config_file), "device description (JSON) overriding the defaults")(
        "vfs", po::value(&vfs)->default_value(vfs), "VFs to enable")(
        "gemm", po::value(&gemm)->default_value(gemm), "the GEMM each VF runs, MxKxN")(
        "type", po::value(&type)->default_value(type), "int8 or bf16")(
        "via", po::value(&via)->default_value(via),
        "xrt: AMD's user space (Debian's XRT, an ELF from aiebu-asm); uapi: the raw driver "
        "interface (aie4sim-accel-test)")("console", "show the whole guest console")(
        "model-log", po::value<std::string>(), "keep the model's log in this file")(
        "timeout", po::value(&o.timeout_s)->default_value(900), "seconds before giving up")(
        "cpus", po::value(&o.cpus)->default_value(0),
        "guest CPUs (0: enough for the interrupt vectors of --vfs VFs)")(
        "vms", po::value<unsigned>(),
        "instead: a host VM owns the PF and N guest VMs get one VF each (aie4sim vms --guests N; "
        "--gemm, --type, --config, --console, --model-log and --timeout apply)");
    add_recording_options(options, recording);
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    if (type != "int8" && type != "bf16") {
        throw std::invalid_argument("--type must be int8 or bf16");
    }
    if (gemm.find(':') != std::string::npos) {
        throw std::invalid_argument("--gemm MxKxN (the type goes in --type)");
    }
    // The guest program builds with the same builder: refuse what it would refuse, before boot.
    const tiles::workload::GemmSpec spec = parse_gemm_option(gemm + ":" + type);
    if (via != "xrt" && via != "uapi") {
        throw std::invalid_argument("--via xrt|uapi");
    }
    const auto config = load_config_or_report("demo", o.config_file);
    if (!config) {
        return 2;
    }
    check_gemm_option(gemm, spec, config->aie.geometry);
    if (vfs == 0 || vfs > config->sriov.total_vfs) {
        throw std::invalid_argument("--vfs " + std::to_string(vfs) + ": the device has 1.." +
                                    std::to_string(config->sriov.total_vfs) + " VFs");
    }
    if (o.cpus == 0) {
        o.cpus = vcpus_for_vfs(vfs);
    }
    ScratchFolder scratch;
    o.model_log = vm.count("model-log") != 0U ? fs::path(vm["model-log"].as<std::string>())
                                              : scratch.path() / "model.log";
    const DemoGemm shape{spec.m, spec.k, spec.n, type == "bf16"};
    const std::uint64_t ops = 2ULL * shape.m * shape.k * shape.n;
    if (via == "xrt") {
        std::cout << "demo: building the GEMM's control code (aiebu-asm) for the VFs' partitions"
                  << std::endl;
        const DemoWorkloads w = build_demo_workloads(*config, vfs, shape, scratch.path());
        o.files = w.files;
        o.script = demo_script(vfs, "through XRT", xrt_program(w), "gemm|aie4sim-xrt-gemm");
    } else {
        o.script = demo_script(vfs, "through the raw UAPI",
                               "aie4sim-accel-test $bdf gemm " + std::to_string(spec.m) + " " +
                                   std::to_string(spec.k) + " " + std::to_string(spec.n) +
                                   " --type " + type + " --seed $i",
                               "gemm|aie4sim-accel-test");
    }
    o.echo_console = vm.count("console") != 0U;
    forward_recording_options(recording, o.model_args);
    o.model_log_spec = "info";

    std::mutex mutex;
    std::map<unsigned, std::string> results;
    const std::regex result_line(R"(^DEMO-VF(\d+) (.*)$)");
    o.on_console_line = [&](const std::string& line) {
        std::smatch r;
        if (std::regex_match(line, r, result_line)) {
            std::lock_guard<std::mutex> lock(mutex);
            results[static_cast<unsigned>(std::stoul(r[1].str()))] = r[2].str();
            return;
        }
        if (!o.echo_console && (line.rfind("demo:", 0) == 0 || line == "AIE4SIM-GUEST-READY" ||
                                line.rfind("accel", 0) == 0)) {
            std::cout << (line == "AIE4SIM-GUEST-READY" ? "guest: booted (Debian 7.3.4 kernel, TCG)"
                                                        : "guest: " + line)
                      << std::endl;
        }
    };
    std::cout << "demo: starting the model and QEMU; the guest boots in a few seconds" << std::endl;
    const auto start = std::chrono::steady_clock::now();
    const int status = run_guest(o);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto times = command_times(o.model_log);
    std::printf("\n%-4s %-14s %-10s %14s %12s %10s %12s\n", "VF", "function", "result",
                "simulated (us)", "cycles", "TOPS", "wall (ms)");
    unsigned verified = 0;
    for (unsigned vf = 1; vf <= vfs; ++vf) {
        const std::string& text = results[vf];
        VfResult r;
        const auto t = times.find(vf);
        const bool parsed =
            via == "xrt" ? parse_xrt_result(text, t == times.end() ? nullptr : &t->second, ops, r)
                         : parse_uapi_result(text, r);
        if (parsed) {
            verified += r.verified ? 1 : 0;
            std::printf("%-4u %-14s %-10s %14.2f %12llu %10.3f %12.1f\n", vf, r.function.c_str(),
                        r.verified ? "verified" : "WRONG", r.simulated_us,
                        static_cast<unsigned long long>(r.cycles), r.tops, r.wall_ms);
        } else {
            std::printf("%-4u %-14s %-10s %s\n", vf, "?", "FAILED",
                        text.empty() ? "(no result)" : text.c_str());
        }
    }
    std::printf("\n%u of %u VFs verified their GEMM %s %s %s; the whole run (boot, driver, SR-IOV, "
                "work) took %.1f s of wall time\n",
                verified, vfs, gemm.c_str(), type.c_str(),
                via == "xrt" ? "through XRT" : "through the raw UAPI", wall);
    if (status != 0 || verified != vfs) {
        std::printf("demo: FAILED (guest status %d)\n", status);
        return status != 0 ? status : 1;
    }
    return 0;
}

} // namespace aie4sim::apps
