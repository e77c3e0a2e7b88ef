// bridge_bench: the co-simulation bridge measured from inside the guest.
//
// For each load condition (quiet; one CPU kept busy by another process), two guest runs:
//   aie4sim  our QEMU with the aie4sim device against the model (run_guest, with a virtual
//            IOMMU), plus a pci-testdev in the same QEMU as the in-QEMU baseline. The guest
//            idles, then times MMIO reads and write+read pairs on the pci-testdev, on the PF's
//            test-block scratch register and on VF1's (SR-IOV enabled through pci-pf-stub),
//            then binds VF1 to vfio-pci and times model-initiated DMA into guest memory.
//   stock    Debian's stock QEMU and its own socket bridge (multi-process QEMU): a guest QEMU
//            with x-pci-proxy-dev, and an x-remote QEMU holding a pci-testdev. The guest idles,
//            then times MMIO reads and write+read pairs through it.
// Every latency is the guest tool's own figure (aie4sim-mmio --latency: median, p99 and
// minimum of N accesses, each timed with the guest's CLOCK_MONOTONIC). At each phase the
// benchmark snapshots both processes (bridge_probe.h): which path served the accesses on each
// side (spin hits, sleeps, wake-ups), what every thread did, and the CPU both burn while the
// guest idles. The host's memcpy of the DMA size is the DMA baseline.
//
// Prints the tables, ratios and targets, and writes a JSON report (--json FILE). Targets are
// reported, never asserted: the exit status is non-zero only if a run failed.
#include "apps/build_paths.h"
#include "apps/guest_launcher.h"
#include "benchmarks/bridge_report.h"
#include "benchmarks/bridge_runs.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace {

namespace apps = aie4sim::apps;
namespace bench = aie4sim::bench;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace po = boost::program_options;

bool parse_cpus(const std::string& text, cpu_set_t& set) {
    CPU_ZERO(&set);
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = text.find(',', at);
        const std::string part = text.substr(at, end - at);
        char* rest = nullptr;
        const long cpu = std::strtol(part.c_str(), &rest, 10);
        if (part.empty() || *rest != '\0' || cpu < 0 || cpu >= CPU_SETSIZE) {
            return false;
        }
        CPU_SET(static_cast<int>(cpu), &set);
        at = end == std::string::npos ? text.size() : end + 1;
    }
    return CPU_COUNT(&set) > 0;
}

} // namespace

int main(int argc, char* argv[]) {
    bench::Settings s;
    std::string json_path;
    std::string aie4sim_exe;
    std::string qemu_exe;
    std::string stock_qemu;
    std::string load_arg;
    std::string cpus_arg;
    bool quick = false;
    po::options_description options(
        "bridge_bench: MMIO round trips, the paths that served them, idle CPU use and DMA\n"
        "throughput, measured from inside the guest through the aie4sim bridge, a device\n"
        "inside QEMU and stock QEMU's socket bridge; quiet, and with one CPU kept busy");
    options.add_options()("help",
                          "show this help")("samples", po::value(&s.samples)->default_value(20000),
                                            "accesses per MMIO measurement (in-QEMU and aie4sim)")(
        "stock-samples", po::value(&s.stock_samples)->default_value(5000),
        "accesses per MMIO measurement through stock QEMU's bridge")(
        "quick", po::bool_switch(&quick), "fewer samples (2000 / 500) and DMA repeats (8)")(
        "dma-bytes", po::value(&s.dma_bytes)->default_value(4u << 20), "bytes per DMA fill")(
        "dma-repeat", po::value(&s.dma_repeat)->default_value(32), "timed DMA fills")(
        "idle-seconds", po::value(&s.idle_s)->default_value(3),
        "how long the guest idles while the CPU both processes burn is measured")(
        "load", po::value(&load_arg)->default_value("both"),
        "quiet: no other load; busy: a process burns one CPU meanwhile; both")(
        "cpus", po::value(&cpus_arg)->default_value(""),
        "run everything on these CPUs only, e.g. 0 (both processes on one core)")(
        "model-arg", po::value(&s.model_args)->composing(),
        "an argument for `aie4sim model` (repeatable), e.g. --model-arg=--spin-us=0")(
        "qemu-arg", po::value(&s.qemu_args)->composing(),
        "an argument for our QEMU (repeatable), e.g. --qemu-arg=-global "
        "--qemu-arg=aie4sim-pf.spin-us=0")(
        "json", po::value(&json_path)->default_value("bridge_bench.json"), "JSON report path")(
        "keep", po::bool_switch(&s.keep), "keep the run folders (initrd, logs)")(
        "verbose", po::bool_switch(&s.verbose), "echo the guest consoles")(
        "timeout", po::value(&s.timeout_s)->default_value(600), "seconds per guest run")(
        "aie4sim", po::value(&aie4sim_exe), "the aie4sim executable (default: BUILD/apps/aie4sim)")(
        "qemu", po::value(&qemu_exe), "our QEMU with the aie4sim device (default: BUILD/qemu/...)")(
        "stock-qemu", po::value(&stock_qemu)->default_value("/usr/bin/qemu-system-x86_64"),
        "stock QEMU with multi-process support (Debian's qemu-system-x86)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "bridge_bench: " << e.what() << "\n" << options;
        return 2;
    }
    if (vm.count("help") != 0U) {
        std::cout << options;
        return 0;
    }
    if (quick) {
        if (vm["samples"].defaulted()) {
            s.samples = 2000;
        }
        if (vm["stock-samples"].defaulted()) {
            s.stock_samples = 500;
        }
        if (vm["dma-repeat"].defaulted()) {
            s.dma_repeat = 8;
        }
    }
    if (s.samples < 10 || s.stock_samples < 10) {
        std::cerr << "bridge_bench: at least 10 samples per measurement\n";
        return 2;
    }
    std::vector<std::string> loads;
    if (load_arg == "quiet" || load_arg == "both") {
        loads.emplace_back("quiet");
    }
    if (load_arg == "busy" || load_arg == "both") {
        loads.emplace_back("busy");
    }
    if (loads.empty()) {
        std::cerr << "bridge_bench: --load must be quiet, busy or both\n";
        return 2;
    }
    if (!cpus_arg.empty()) {
        cpu_set_t set;
        if (!parse_cpus(cpus_arg, set) || sched_setaffinity(0, sizeof set, &set) != 0) {
            std::cerr << "bridge_bench: --cpus \"" << cpus_arg
                      << "\": expected CPU numbers of this machine, comma-separated\n";
            return 2;
        }
    }
    s.stock_qemu = stock_qemu;
    s.model_exe = aie4sim_exe.empty()
                      ? apps::self_executable().parent_path().parent_path() / "apps" / "aie4sim"
                      : fs::absolute(aie4sim_exe);
    if (!qemu_exe.empty()) {
        s.qemu_exe = fs::absolute(qemu_exe);
    }
    if (!fs::exists(s.model_exe)) {
        std::cerr << "bridge_bench: the aie4sim executable is missing at " << s.model_exe.string()
                  << " (build it, or give --aie4sim PATH)\n";
        return 2;
    }
    std::string base_templ = (fs::temp_directory_path() / "bridge-bench-XXXXXX").string();
    if (::mkdtemp(base_templ.data()) == nullptr) {
        std::cerr << "bridge_bench: cannot create a folder in " << fs::temp_directory_path()
                  << "\n";
        return 2;
    }
    s.base = base_templ;
    bench::install_signal_handlers();

    const bench::HostInfo host = bench::describe_host(cpus_arg);
    bench::print_host(host, s);
    const bench::MemcpyFigure memcpy_figure = bench::measure_memcpy(s.dma_bytes);
    std::printf("  host memcpy of %u bytes (the DMA baseline): %.0f MB/s\n", s.dma_bytes,
                memcpy_figure.mb_per_s);

    json::array passes;
    bool all_ok = true;
    for (const std::string& load : loads) {
        if (bench::g_signal != 0) {
            break;
        }
        bench::PassResult pass = bench::run_pass(s, load);
        all_ok = all_ok && pass.aie4sim.ok && pass.stock.ok;
        bench::print_pass(pass, s, memcpy_figure);
        passes.push_back(bench::pass_json(pass, s, memcpy_figure));
    }

    json::object report;
    report["benchmark"] = "bridge_bench";
    report["host"] = bench::host_json(host);
    report["samples"] = s.samples;
    report["stock_samples"] = s.stock_samples;
    report["memcpy"] = json::object{{"bytes", s.dma_bytes}, {"mb_per_s", memcpy_figure.mb_per_s}};
    report["model_args"] = json::value_from(s.model_args);
    report["qemu_args"] = json::value_from(s.qemu_args);
    report["passes"] = std::move(passes);
    std::ofstream json_out(json_path);
    json_out << json::serialize(report) << "\n";
    json_out.close();
    const bool report_ok = static_cast<bool>(json_out);
    std::printf("\nreport: %s%s\n", json_path.c_str(), report_ok ? "" : " (could not be written)");

    std::error_code ec;
    if (s.keep || !all_ok) {
        std::printf("run folders kept in %s\n", s.base.c_str());
    } else {
        fs::remove_all(s.base, ec);
    }
    if (bench::g_signal != 0) {
        return apps::kExitInterrupted;
    }
    return all_ok && report_ok ? 0 : 1;
}
