// `aie4sim demo`: the full system. Boots Debian's 7.3.4 kernel in QEMU against the model,
// loads the real amdxdna driver, enables the VFs, runs a GEMM on every VF at the same time
// through each VF's user-mode queue, verifies every result, and prints per-VF simulated time,
// throughput and wall time.
#include "apps/commands.h"
#include "apps/guest_launcher.h"
#include "apps/model_setup.h"
#include "apps/recording_options.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

namespace aie4sim::apps {

namespace po = boost::program_options;

namespace {

std::string demo_script(unsigned vfs, const std::string& gemm, const std::string& type) {
    std::ostringstream s;
    s << "set -e\n"
      << "echo 'demo: loading amdxdna and enabling " << vfs << " VFs'\n"
      << "aie4sim-setup-vfs " << vfs << " >/dev/null\n"
      << "ls /dev/accel\n"
      << "echo 'demo: one GEMM per VF, all at the same time'\n"
      << "i=0\n"
      << "for vf in $(ls -d /sys/bus/pci/devices/0000:01:00.0/virtfn* | sort -V); do\n"
      << "  bdf=$(basename $(readlink $vf)); i=$((i + 1))\n"
      << "  aie4sim-accel-test $bdf gemm " << gemm << " --type " << type
      << " --seed $i > /tmp/demo$i.txt 2>&1 &\n"
      << "done\n"
      << "set +e; status=0\n"
      << "for job in $(jobs -p); do wait $job || status=1; done\n"
      << "for n in $(seq 1 $i); do sed \"s/^/DEMO-VF$n /\" /tmp/demo$n.txt | grep -E "
         "'DEMO-VF[0-9]+ (gemm|aie4sim-accel-test)'; done\n"
      << "exit $status\n";
    return s.str();
}

} // namespace

int demo_command(const Arguments& args) {
    GuestOptions o;
    unsigned vfs = 4;
    std::string gemm = "256x256x256";
    std::string type = "int8";
    trace::RecordingOptions recording;
    po::options_description options(
        "aie4sim demo: the full system: a guest with the real amdxdna driver enables the VFs\n"
        "and runs a GEMM on each of them at the same time, through the model");
    options.add_options()("help", "show this help")(
        "config", po::value(&o.config_file), "device description (JSON) overriding the defaults")(
        "vfs", po::value(&vfs)->default_value(vfs), "VFs to enable")(
        "gemm", po::value(&gemm)->default_value(gemm),
        "the GEMM each VF runs, MxKxN")("type", po::value(&type)->default_value(type),
                                        "int8 or bf16")("console", "show the whole guest console")(
        "model-log", po::value<std::string>(), "keep the model's log in this file")(
        "timeout", po::value(&o.timeout_s)->default_value(900), "seconds before giving up");
    add_recording_options(options, recording);
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    std::smatch m;
    if (!std::regex_match(gemm, m, std::regex(R"((\d+)x(\d+)x(\d+))")) ||
        (type != "int8" && type != "bf16")) {
        throw std::invalid_argument("--gemm MxKxN and --type int8|bf16");
    }
    if (vm.count("model-log") != 0U) {
        o.model_log = vm["model-log"].as<std::string>();
    }
    o.script = demo_script(vfs, m[1].str() + " " + m[2].str() + " " + m[3].str(), type);
    o.echo_console = vm.count("console") != 0U;
    forward_recording_options(recording, o.model_args);
    o.model_log_spec = "info";

    struct VfLine {
        std::string text;
    };
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

    // "gemm 256x256x256 int8 on 0000:01:00.1: verified; simulated 33.11 us per command
    //  (39749 cycles), 1.013 TOPS; wall 24.4 ms for 1 command"
    const std::regex gemm_line(
        R"(^gemm (\S+) (\S+) on (\S+): (\S+); simulated ([0-9.]+) us per command \((\d+) cycles\), ([0-9.]+) TOPS; wall ([0-9.]+) ms.*$)");
    std::printf("\n%-4s %-14s %-10s %14s %12s %10s %12s\n", "VF", "function", "result",
                "simulated (us)", "cycles", "TOPS", "wall (ms)");
    unsigned verified = 0;
    for (unsigned vf = 1; vf <= vfs; ++vf) {
        std::smatch g;
        const std::string& text = results[vf];
        if (std::regex_match(text, g, gemm_line)) {
            const bool ok = g[4].str() == "verified";
            verified += ok ? 1 : 0;
            std::printf("%-4u %-14s %-10s %14s %12s %10s %12s\n", vf, g[3].str().c_str(),
                        ok ? "verified" : "WRONG", g[5].str().c_str(), g[6].str().c_str(),
                        g[7].str().c_str(), g[8].str().c_str());
        } else {
            std::printf("%-4u %-14s %-10s %s\n", vf, "?", "FAILED",
                        text.empty() ? "(no result)" : text.c_str());
        }
    }
    std::printf("\n%u of %u VFs verified their GEMM %s %s; the whole run (boot, driver, SR-IOV, "
                "work) took %.1f s of wall time\n",
                verified, vfs, gemm.c_str(), type.c_str(), wall);
    if (status != 0 || verified != vfs) {
        std::printf("demo: FAILED (guest status %d)\n", status);
        return status != 0 ? status : 1;
    }
    return 0;
}

} // namespace aie4sim::apps
