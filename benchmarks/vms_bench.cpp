// vms_bench: the same GEMM on every VF, two ways, in one run (each its own baseline):
//   one VM      the PF and all N VFs in one guest (aie4sim guest, as aie4sim demo);
//   one VF/VM   a host VM owns the PF, N guest VMs get one VF each (aie4sim vms).
// Per VF: the GEMM's wall time per run (XRT, in the VM), its simulated time per command (the
// model's log), and the bridge round trip of one MMIO read from the VM (aie4sim-mmio
// --latency, median and p99). Whole-run wall times (boots included) too. Prints the CPU model,
// a table and the ratios; --json FILE writes everything.
//   vms_bench [--vfs N] [--gemm MxKxN] [--runs R] [--samples S] [--json FILE]
#include "apps/command_times.h"
#include "apps/demo_workload.h"
#include "apps/guest_launcher.h"
#include "apps/vm_fleet.h"
#include "benchmarks/host_cpu.h"
#include "models/device_config.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <systemc>
#include <unistd.h>

namespace apps = aie4sim::apps;
namespace fs = std::filesystem;
namespace po = boost::program_options;
namespace json = boost::json;

namespace {

struct VfFigures {
    double gemm_wall_ms = 0;  // per run, as the XRT program measured it
    double rtt_median_us = 0; // one MMIO read of the VF's BAR0 from its VM
    double rtt_p99_us = 0;
    double simulated_us = 0; // per command, from the model's log
    bool verified = false;
};

struct Config {
    std::string name;
    unsigned vms = 0;
    double wall_s = 0;
    std::map<unsigned, VfFigures> vf;
    int status = -1;
    [[nodiscard]] double mean(double VfFigures::*field) const {
        double sum = 0;
        for (const auto& [n, f] : vf) {
            sum += f.*field;
        }
        return vf.empty() ? 0 : sum / static_cast<double>(vf.size());
    }
};

// What each VF's program prints, tagged with the VF's number: BENCH-RTT n median_ns p99_ns and
// BENCH-GEMM n <the XRT program's line>.
std::string vf_body(unsigned runs, unsigned samples) {
    std::ostringstream s;
    s << "set -- $(aie4sim-mmio --latency /sys/bus/pci/devices/$bdf/resource0 0xF004 " << samples
      << " read)\n"
      << "echo \"BENCH-RTT $vf $1 $2\"\n"
      << "aie4sim-xrt-gemm $bdf /aie4sim/files/$layout --runs " << runs
      << " --seed $vf | sed \"s/^/BENCH-GEMM $vf /\"\n";
    return s.str();
}

void parse_line(const std::string& line, Config& c, std::mutex& m) {
    static const std::regex rtt(R"(BENCH-RTT (\d+) (\d+) (\d+))");
    static const std::regex gemm(
        R"(BENCH-GEMM (\d+) gemm .*: (verified|WRONG).*wall ([0-9.]+) ms per run.*)");
    std::smatch g;
    const std::lock_guard<std::mutex> lock(m);
    if (std::regex_search(line, g, rtt)) {
        VfFigures& f = c.vf[static_cast<unsigned>(std::stoul(g[1].str()))];
        f.rtt_median_us = std::stod(g[2].str()) / 1000;
        f.rtt_p99_us = std::stod(g[3].str()) / 1000;
    } else if (std::regex_search(line, g, gemm)) {
        VfFigures& f = c.vf[static_cast<unsigned>(std::stoul(g[1].str()))];
        f.verified = g[2].str() == "verified";
        f.gemm_wall_ms = std::stod(g[3].str());
    }
}

void add_simulated(Config& c, const fs::path& model_log) {
    for (const auto& [n, t] : apps::command_times(model_log)) {
        if (t.commands > 0 && c.vf.count(n) != 0) {
            c.vf[n].simulated_us = t.simulated_us / t.commands;
        }
    }
}

Config run_one_vm(unsigned vfs, unsigned runs, unsigned samples, const apps::DemoWorkloads& w,
                  const fs::path& dir) {
    Config c{"one VM (PF + all VFs)", 1, 0, {}, -1};
    std::mutex m;
    apps::GuestOptions o;
    o.files = w.files;
    o.cpus = 1;
    o.echo_console = false;
    o.model_log = dir / "one-vm.log";
    std::ostringstream s;
    s << "aie4sim-setup-vfs " << vfs << " >/dev/null\nvf=0\n"
      << "for d in $(ls -d /sys/bus/pci/devices/0000:01:00.0/virtfn* | sort -V); do\n"
      << "  bdf=$(basename $(readlink $d)); vf=$((vf + 1))\n"
      << "  case $vf in";
    for (std::size_t k = 0; k < w.layout.size(); ++k) {
        s << " " << k + 1 << ") layout=" << w.layout[k] << " ;;";
    }
    s << " esac\n  ( " << vf_body(runs, samples) << " ) > /tmp/vf$vf.txt 2>&1 &\ndone\nwait\n"
      << "cat /tmp/vf*.txt\n";
    o.script = s.str();
    o.on_console_line = [&](const std::string& line) { parse_line(line, c, m); };
    const auto t0 = std::chrono::steady_clock::now();
    c.status = apps::run_guest(o);
    c.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    add_simulated(c, o.model_log);
    return c;
}

Config run_vf_per_vm(unsigned vfs, unsigned runs, unsigned samples, const apps::DemoWorkloads& w,
                     const fs::path& dir) {
    Config c{"one VF per VM", vfs + 1, 0, {}, -1};
    std::mutex m;
    apps::FleetOptions o;
    o.vfs = vfs;
    o.host_script = apps::fleet_host_script(vfs, "");
    o.model_log = dir / "vf-per-vm.log";
    for (unsigned k = 1; k <= vfs; ++k) {
        apps::FleetGuest g;
        g.vf = k;
        g.files = w.files;
        g.script = "vf=" + std::to_string(k) + "\nlayout=" + w.layout[k - 1] + "\n" +
                   apps::fleet_guest_prologue() + vf_body(runs, samples);
        o.guests.push_back(g);
    }
    o.on_console_line = [&](unsigned, const std::string& line) { parse_line(line, c, m); };
    const auto t0 = std::chrono::steady_clock::now();
    c.status = apps::run_fleet(o).status;
    c.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    add_simulated(c, o.model_log);
    return c;
}

json::object to_json(const Config& c) {
    json::array vfs;
    for (const auto& [n, f] : c.vf) {
        vfs.push_back(json::object{{"vf", n},
                                   {"verified", f.verified},
                                   {"gemm_wall_ms", f.gemm_wall_ms},
                                   {"simulated_us", f.simulated_us},
                                   {"mmio_rtt_median_us", f.rtt_median_us},
                                   {"mmio_rtt_p99_us", f.rtt_p99_us}});
    }
    return json::object{{"config", c.name},
                        {"vms", c.vms},
                        {"status", c.status},
                        {"wall_s", c.wall_s},
                        {"vfs", std::move(vfs)}};
}

} // namespace

// Our own main: SystemC (linked for the device's defaults) prints no banner.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
    unsigned vfs = 2;
    unsigned runs = 3;
    unsigned samples = 200;
    std::string gemm = "128x128x128";
    std::string json_file;
    po::options_description options("vms_bench: all VFs in one VM versus one VF per VM");
    options.add_options()("help", "show this help")("vfs", po::value(&vfs)->default_value(vfs),
                                                    "VFs (and guest VMs)")(
        "gemm", po::value(&gemm)->default_value(gemm),
        "MxKxN, int8")("runs", po::value(&runs)->default_value(runs), "GEMM runs per VF")(
        "samples", po::value(&samples)->default_value(samples),
        "MMIO reads timed per VF")("json", po::value(&json_file), "write the figures here");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    if (vm.count("help") != 0U) {
        std::cout << options << "\n";
        return 0;
    }
    unsigned m = 0, k = 0, n = 0;
    if (std::sscanf(gemm.c_str(), "%ux%ux%u", &m, &k, &n) != 3) {
        std::cerr << "vms_bench: --gemm MxKxN\n";
        return 2;
    }
    std::string templ = (fs::temp_directory_path() / "aie4sim-vms-bench-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
        return 1;
    }
    const fs::path dir = templ;
    const auto w = apps::build_demo_workloads(aie4sim::models::default_device_config(), vfs,
                                              apps::DemoGemm{m, k, n, false}, dir);
    std::printf("vms_bench: CPU %s, %ld CPUs online; GEMM %s int8 x %u runs per VF, %u VFs\n",
                aie4sim::bench::cpu_model().c_str(), sysconf(_SC_NPROCESSORS_ONLN), gemm.c_str(),
                runs, vfs);
    const Config one = run_one_vm(vfs, runs, samples, w, dir);
    const Config per = run_vf_per_vm(vfs, runs, samples, w, dir);
    std::printf("\n%-24s %4s %10s %16s %16s %16s %14s %9s\n", "config", "VMs", "wall (s)",
                "GEMM wall/run ms", "simulated us/cmd", "MMIO rtt med us", "MMIO p99 us",
                "verified");
    for (const Config* c : {&one, &per}) {
        unsigned ok = 0;
        for (const auto& [vf, f] : c->vf) {
            ok += f.verified ? 1 : 0;
        }
        std::printf("%-24s %4u %10.1f %16.2f %16.2f %16.1f %14.1f %5u/%u\n", c->name.c_str(),
                    c->vms, c->wall_s, c->mean(&VfFigures::gemm_wall_ms),
                    c->mean(&VfFigures::simulated_us), c->mean(&VfFigures::rtt_median_us),
                    c->mean(&VfFigures::rtt_p99_us), ok, vfs);
    }
    auto ratio = [](double a, double b) { return b > 0 ? a / b : 0; };
    std::printf("\nratios, one VF per VM / one VM: wall %.2f, GEMM wall %.2f, simulated %.2f, "
                "MMIO round trip %.2f\n",
                ratio(per.wall_s, one.wall_s),
                ratio(per.mean(&VfFigures::gemm_wall_ms), one.mean(&VfFigures::gemm_wall_ms)),
                ratio(per.mean(&VfFigures::simulated_us), one.mean(&VfFigures::simulated_us)),
                ratio(per.mean(&VfFigures::rtt_median_us), one.mean(&VfFigures::rtt_median_us)));
    if (!json_file.empty()) {
        std::ofstream out(json_file);
        out << json::serialize(json::object{{"cpu", aie4sim::bench::cpu_model()},
                                            {"gemm", gemm},
                                            {"runs", runs},
                                            {"vfs", vfs},
                                            {"baseline", to_json(one)},
                                            {"vf_per_vm", to_json(per)}})
            << "\n";
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    return one.status == 0 && per.status == 0 ? 0 : 1;
}
