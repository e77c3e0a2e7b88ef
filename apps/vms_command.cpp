// `aie4sim vms` (and `aie4sim demo --vms N`): SR-IOV as deployed. One model; a host VM whose
// amdxdna owns the PF and enables the VFs, leaving them unbound for passthrough; and N guest VMs,
// each with one VF passed through, each loading the same unmodified amdxdna on its VF and
// running a GEMM through XRT. One line per VM.
#include "apps/commands.h"
#include "apps/demo_workload.h"
#include "apps/gemm_option.h"
#include "apps/model_setup.h"
#include "apps/vm_fleet.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <unistd.h>

namespace aie4sim::apps {

namespace po = boost::program_options;
namespace fs = std::filesystem;

int vms_command(const Arguments& args) {
    FleetOptions o;
    unsigned guests = 2;
    unsigned vfs = 0;
    std::string gemm = "256x256x256";
    std::string type = "int8";
    std::string guest_exec;
    std::string host_exec;
    std::string guest_vfs;
    po::options_description options(
        "aie4sim vms: one model, a host VM that owns the PF and enables the VFs, and guest VMs\n"
        "that each get one VF passed through and run a GEMM on it with the real driver");
    options.add_options()("help", "show this help")(
        "guests", po::value(&guests)->default_value(guests), "guest VMs (VF k goes to VM k)")(
        "vfs", po::value(&vfs)->default_value(0), "VFs the host enables (0: as many as guests)")(
        "config", po::value(&o.config_file), "device description (JSON) overriding the defaults")(
        "gemm", po::value(&gemm)->default_value(gemm), "the GEMM each guest VM runs, MxKxN")(
        "type", po::value(&type)->default_value(type), "int8 or bf16")(
        "guest-exec", po::value(&guest_exec),
        "commands each guest VM runs instead of the GEMM, once its VF is bound ($bdf: the VF "
        "in the VM, $vm: the VM's number; run_gemm [ARGS]: the GEMM, reported in its row)")(
        "guest-vfs", po::value(&guest_vfs),
        "the VF of each guest VM, comma-separated (default 1,2,..,N); a VF named twice goes to "
        "the later VM when the earlier one ends")(
        "host-exec", po::value(&host_exec),
        "commands the host VM runs once the VFs exist (while the guest VMs run)")(
        "listen", po::value(&o.listen),
        "tcp:HOST:PORT: the model listens there and every QEMU connects over TCP (a VM on "
        "another machine can join); default: a UNIX socket with shared-memory rings")(
        "console", "show every VM's console")("model-log", po::value<std::string>(),
                                              "keep the model's log in this file")(
        "timeout", po::value(&o.timeout_s)->default_value(900), "seconds before giving up");
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    if (type != "int8" && type != "bf16") {
        throw std::invalid_argument("--type must be int8 or bf16");
    }
    const auto config = load_config_or_report("vms", o.config_file);
    if (!config) {
        return 2;
    }
    // Checked before anything is sized by it: a count of 0 left nothing to take the highest VF
    // of (a crash), and "-1" reaches here as 4294967295 (a list that never ended).
    if (guests == 0 || guests > config->sriov.total_vfs) {
        throw std::invalid_argument(
            "--guests " + std::to_string(guests) + ": the device has VF1..VF" +
            std::to_string(config->sriov.total_vfs) + ", one per guest VM (1 to " +
            std::to_string(config->sriov.total_vfs) + " guest VMs)");
    }
    std::vector<unsigned> vf_of;
    if (!guest_vfs.empty()) {
        std::stringstream list(guest_vfs);
        std::string item;
        while (std::getline(list, item, ',')) {
            const auto digits = item.find_first_not_of("0123456789");
            if (item.empty() || digits != std::string::npos || item.size() > 9) {
                throw std::invalid_argument("--guest-vfs: '" + item +
                                            "' is not a VF number (a list such as 1,2,1)");
            }
            vf_of.push_back(static_cast<unsigned>(std::stoul(item)));
        }
        if (vf_of.size() != guests) {
            throw std::invalid_argument("--guest-vfs names " + std::to_string(vf_of.size()) +
                                        " VFs for " + std::to_string(guests) + " guest VMs");
        }
    }
    for (unsigned k = 1; vf_of.size() < guests; ++k) {
        vf_of.push_back(k);
    }
    const unsigned highest = *std::max_element(vf_of.begin(), vf_of.end());
    vfs = vfs == 0 ? highest : vfs;
    if (guests == 0 || highest > vfs || vfs > config->sriov.total_vfs ||
        std::find(vf_of.begin(), vf_of.end(), 0u) != vf_of.end()) {
        throw std::invalid_argument("--guests " + std::to_string(guests) + " with --vfs " +
                                    std::to_string(vfs) + ": the device has VF1..VF" +
                                    std::to_string(config->sriov.total_vfs) +
                                    ", and each guest VM needs one the host enables");
    }
    const tiles::workload::GemmSpec spec = parse_gemm_option(gemm + ":" + type);
    check_gemm_option(gemm, spec, config->aie.geometry);
    std::string templ = (fs::temp_directory_path() / "aie4sim-vms-work-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
        throw std::runtime_error("cannot create a work folder");
    }
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } work{templ};
    o.vfs = vfs;
    o.host_script = fleet_host_script(vfs, host_exec);
    o.echo_console = vm.count("console") != 0U;
    if (vm.count("model-log") != 0U) {
        o.model_log = vm["model-log"].as<std::string>();
    }
    std::cout << "vms: building the GEMM's control code (aiebu-asm)" << std::endl;
    const DemoWorkloads w = build_demo_workloads(
        *config, vfs, DemoGemm{spec.m, spec.k, spec.n, type == "bf16"}, work.path);
    for (unsigned k = 1; k <= guests; ++k) {
        FleetGuest g;
        g.vf = vf_of[k - 1];
        g.files = w.files;
        g.script = "vm=" + std::to_string(k) + "\nlayout=" + w.layout[g.vf - 1] + "\n" +
                   fleet_guest_prologue() +
                   "run_gemm() { aie4sim-xrt-gemm $bdf /aie4sim/files/$layout --seed $vm \"$@\" "
                   "> /tmp/gemm.txt 2>&1; s=$?; sed 's/^/VMS-RESULT /' /tmp/gemm.txt; "
                   "return $s; }\n" +
                   (guest_exec.empty() ? std::string("run_gemm") : guest_exec) + "\n";
        o.guests.push_back(g);
    }
    std::mutex mutex;
    std::map<unsigned, std::string> results;
    std::map<unsigned, std::string> bound;
    std::string host_line;
    const std::regex result(R"(^VMS-RESULT (gemm .*)$)");
    o.on_console_line = [&](unsigned n, const std::string& line) {
        std::smatch m;
        const std::lock_guard<std::mutex> lock(mutex);
        if (std::regex_match(line, m, result)) {
            results[n] = m[1].str();
        } else if (n > 0 && line.rfind("guest: amdxdna bound ", 0) == 0) {
            bound[n] = line.substr(21);
        } else if (n == 0 && line.rfind("host: ", 0) == 0 && host_line.empty()) {
            host_line = line.substr(6);
        }
        // The VMs' own reports, and what each QEMU says about its VF (the host removed or
        // reset it, a wait for a VF held by another VM).
        if (!o.echo_console && (line.rfind("host: ", 0) == 0 || line.rfind("guest: ", 0) == 0 ||
                                line.find("aie4sim-vf-guest: ") != std::string::npos)) {
            std::cout << (n == 0 ? std::string("[host] ") : "[vm" + std::to_string(n) + "] ")
                      << line << std::endl;
        }
    };
    std::cout << "vms: starting the model, the host VM, then " << guests << " guest VMs"
              << std::endl;
    const auto start = std::chrono::steady_clock::now();
    const FleetResult r = run_fleet(o);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\n%-6s %-5s %-30s %s\n", "VM", "owns", "device in the VM", "result");
    std::printf("%-6s %-5s %-30s %s\n", "host", "PF", "0000:01:00.0 (amdxdna)",
                host_line.empty() ? "(no report)" : host_line.c_str());
    unsigned verified = 0;
    for (unsigned k = 1; k <= guests; ++k) {
        const std::string& text = results[k];
        const int st = r.guest_status[k - 1];
        const bool ok =
            st == 0 && (!guest_exec.empty() || text.find(": verified") != std::string::npos);
        verified += ok ? 1 : 0;
        const std::string dev = bound[k].empty() ? "(not bound)" : bound[k];
        std::string what = text.empty() && guest_exec.empty() ? "FAILED (no result)" : text;
        if (!guest_exec.empty() || !ok) {
            what += std::string(what.empty() ? "" : "; ") +
                    (st == 0  ? "script succeeded"
                     : st < 0 ? "the VM ended without a status"
                              : "script failed (" + std::to_string(st) + ")");
        }
        std::printf("vm%-4u VF%-3u %-30s %s\n", k, vf_of[k - 1], dev.c_str(), what.c_str());
    }
    std::printf("\n%u of %u guest VMs %s; %u VMs on one model took %.1f s of wall time\n", verified,
                guests,
                guest_exec.empty() ? ("verified their GEMM " + gemm + " " + type).c_str()
                                   : "ran their script",
                guests + 1, wall);
    if (r.status != 0 || verified != guests) {
        std::printf("vms: FAILED (status %d)\n", r.status);
        return r.status != 0 ? r.status : 1;
    }
    return 0;
}

} // namespace aie4sim::apps
