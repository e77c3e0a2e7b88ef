// bridge_bench: the co-simulation bridge measured from inside the guest.
//
// Three guest runs, all in one invocation:
//   aie4sim  our QEMU with the aie4sim device against the model (run_guest, with a virtual
//            IOMMU), plus a pci-testdev in the same QEMU as the in-QEMU baseline. The guest
//            times MMIO reads and write+read pairs on the pci-testdev, on the PF's test-block
//            scratch register and on VF1's (SR-IOV enabled through pci-pf-stub), then binds VF1
//            to vfio-pci and times model-initiated DMA into guest memory (aie4sim-vfio-dma).
//   stock    Debian's stock QEMU and its own socket bridge (multi-process QEMU): a guest QEMU
//            with x-pci-proxy-dev, and an x-remote QEMU holding a pci-testdev, joined by a
//            socketpair made here. The guest times MMIO reads and write+read pairs through it.
// Every latency is the guest tool's own figure (aie4sim-mmio --latency: median, p99 and
// minimum of N accesses, each timed with the guest's CLOCK_MONOTONIC).
//
// Prints a table with ratios and the targets, and writes a JSON report (--json FILE, default
// bridge_bench.json). Targets are reported, never asserted: the exit status is non-zero only
// if a run failed.
#define BOOST_PROCESS_USE_STD_FS
#include "apps/build_paths.h"
#include "apps/child_process.h"
#include "apps/guest_launcher.h"

#include <atomic>
#include <boost/json.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

namespace apps = aie4sim::apps;
namespace bp = boost::process;
namespace fs = std::filesystem;
namespace json = boost::json;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

// run_guest starts the model as `<this executable> model ...`: this program then becomes the
// aie4sim executable (see main).

std::atomic<int> g_signal{0};
void on_signal(int sig) {
    g_signal = sig;
}

void install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double load_1min() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

// ---- what a guest run reports ------------------------------------------------------------

struct Latency {
    double median_ns = 0;
    double p99_ns = 0;
    double min_ns = 0;
};

struct PathFigures {
    std::optional<Latency> read;
    std::optional<Latency> write_read;
    long samples = 0;
};

struct Dma {
    unsigned repeat = 0;
    unsigned bytes = 0;
    double ms = 0;
    double mb_per_s = 0;
};

// Collects the guest console: the tool results, the guest's exit status, the last lines.
struct ConsoleLog {
    std::mutex mutex;
    std::map<std::string, PathFigures> paths; // key: in_qemu, aie4sim_pf, ...
    std::optional<Dma> dma;
    std::vector<std::string> errors; // BENCH-ERROR lines
    int guest_status = -1;
    bool done = false;
    std::deque<std::string> tail;
    bool echo = false;

    void line(const std::string& text) {
        std::lock_guard<std::mutex> lock(mutex);
        if (echo) {
            std::cout << "  | " << text << "\n" << std::flush;
        }
        tail.push_back(text);
        if (tail.size() > 40) {
            tail.pop_front();
        }
        std::istringstream in(text);
        std::string tag;
        in >> tag;
        if (tag == "BENCH-MMIO") {
            std::string key;
            std::string kind;
            long samples = 0;
            Latency l;
            if (in >> key >> kind >> samples >> l.median_ns >> l.p99_ns >> l.min_ns) {
                (kind == "read" ? paths[key].read : paths[key].write_read) = l;
                paths[key].samples = samples;
                if (!echo) {
                    std::printf("  guest: %-11s %-10s %6ld samples: median %8.0f ns, p99 %9.0f ns, "
                                "min %7.0f ns\n",
                                key.c_str(), kind == "read" ? "read" : "write+read", samples,
                                l.median_ns, l.p99_ns, l.min_ns);
                    std::fflush(stdout);
                }
            }
        } else if (tag == "dma-throughput:") {
            // "dma-throughput: R x N bytes in T ms = X MB/s" (tests/guest/aie4sim-vfio-dma.c)
            Dma d;
            if (std::sscanf(text.c_str(), "dma-throughput: %u x %u bytes in %lf ms = %lf MB/s",
                            &d.repeat, &d.bytes, &d.ms, &d.mb_per_s) == 4) {
                dma = d;
                if (!echo) {
                    std::printf("  guest: %s\n", text.c_str());
                    std::fflush(stdout);
                }
            }
        } else if (tag == "BENCH-ERROR:") {
            errors.push_back(text);
        } else if (tag == "BENCH-DONE") {
            done = true;
        }
        const std::string marker = "AIE4SIM-EXIT-STATUS: ";
        if (const auto at = text.find(marker); at != std::string::npos) {
            guest_status = std::atoi(text.c_str() + at + marker.size());
        }
    }

    void print_tail(std::ostream& out) {
        std::lock_guard<std::mutex> lock(mutex);
        if (tail.empty()) {
            return;
        }
        out << "  last lines of the guest console:\n";
        for (const auto& l : tail) {
            out << "    " << l << "\n";
        }
    }
};

struct RunResult {
    std::string name;
    bool ok = false;
    int status = -1;       // what the runner returned
    int guest_status = -1; // AIE4SIM-EXIT-STATUS
    double wall_s = 0;
    double load_before = 0;
    double load_after = 0;
    std::string problem; // why it failed, or a note
    fs::path folder;
};

// ---- the guest scripts ---------------------------------------------------------------------

// Shell helpers (the same as tests/integration/guest-lib.sh) and the measurement function.
// `measure KEY RESOURCE OFFSET N` prints "BENCH-MMIO KEY read|write N median p99 min".
constexpr const char* kScriptHead = R"SH(#!/bin/sh
set -e
SYS=/sys/bus/pci/devices
PF=0000:01:00.0
die() { echo "BENCH-ERROR: $*" >&2; exit 1; }
bind_driver() { # bind_driver BDF DRIVER
    if [ -e "$SYS/$1/driver" ]; then echo "$1" > "$SYS/$1/driver/unbind"; fi
    echo "$2" > "$SYS/$1/driver_override"
    echo "$1" > /sys/bus/pci/drivers_probe
    [ "$(basename "$(readlink "$SYS/$1/driver")")" = "$2" ] || die "$1 did not bind to $2"
}
vf_bdf() { # the BDF of VF n (1-based), from First VF Offset and VF Stride
    set -- "$1" "$(lspci -s 01:00.0 -vvv | sed -n 's/.*VF offset: \([0-9]*\), stride: \([0-9]*\).*/\1 \2/p')"
    set -- "$1" $2
    devfn=$(( $2 + ($1 - 1) * $3 ))
    printf '0000:01:%02x.%x' $(( devfn >> 3 )) $(( devfn & 7 ))
}
measure() { # measure KEY RESOURCE_FILE OFFSET N
    r=$(aie4sim-mmio --latency "$2" "$3" "$4" read) || die "aie4sim-mmio read on $2 failed"
    echo "BENCH-MMIO $1 read $4 $r"
    r=$(aie4sim-mmio --latency "$2" "$3" "$4" write) || die "aie4sim-mmio write on $2 failed"
    echo "BENCH-MMIO $1 write $4 $r"
}
testdev() { # the sysfs name of the first pci-testdev (1b36:0005)
    t=$(lspci -n -d 1b36:0005 | awk 'NR == 1 { print $1 }')
    [ -n "$t" ] || die "no pci-testdev (1b36:0005) on the bus"
    case "$t" in *:*:*) echo "$t" ;; *) echo "0000:$t" ;; esac
}
)SH";

std::string aie4sim_script(long samples, unsigned dma_bytes, unsigned dma_repeat) {
    std::ostringstream s;
    s << kScriptHead << "N=" << samples << "\n"
      << R"SH(t=$(testdev)
measure in_qemu $SYS/$t/resource0 0 $N
measure aie4sim_pf $SYS/$PF/resource0 0xF004 $N
modprobe pci-pf-stub
bind_driver $PF pci-pf-stub
echo 1 > $SYS/$PF/sriov_numvfs
vf=$(vf_bdf 1)
[ -e $SYS/$vf ] || die "VF1 ($vf) did not appear"
measure aie4sim_vf $SYS/$vf/resource0 0xF004 $N
modprobe vfio-pci
modprobe vfio_iommu_type1
bind_driver $vf vfio-pci
)SH"
      << "aie4sim-vfio-dma $vf --bytes " << dma_bytes << " --repeat " << dma_repeat
      << " || die \"aie4sim-vfio-dma failed\"\n"
      << "echo BENCH-DONE\n";
    return s.str();
}

std::string stock_script(long samples) {
    std::ostringstream s;
    s << kScriptHead << "N=" << samples << "\n"
      << "t=$(testdev)\n"
      << "measure stock_bridge $SYS/$t/resource0 0 $N\n"
      << "echo BENCH-DONE\n";
    return s.str();
}

// ---- run (a): our QEMU and the model, through the launcher ---------------------------------

struct Settings {
    long samples = 20000;
    long stock_samples = 5000;
    unsigned dma_bytes = 1048576;
    unsigned dma_repeat = 32;
    unsigned timeout_s = 600;
    bool keep = false;
    bool verbose = false;
    fs::path stock_qemu = "/usr/bin/qemu-system-x86_64";
    fs::path base; // the run folders live here
    fs::path model_exe;
};

RunResult run_aie4sim(const Settings& s, ConsoleLog& console) {
    RunResult r;
    r.name = "aie4sim";
    r.folder = s.base / "aie4sim";
    apps::GuestOptions o;
    o.model_executable = s.model_exe;
    o.script = aie4sim_script(s.samples, s.dma_bytes, s.dma_repeat);
    o.iommu = true;
    o.qemu_args = {"-device", "pci-testdev"};
    o.model_log_spec = "warn"; // info logs every scratch write: that would time the logger
    o.run_dir = r.folder;
    o.keep_run_dir = true; // this program removes the base folder itself
    o.timeout_s = s.timeout_s;
    o.echo_console = false;
    console.echo = s.verbose;
    o.on_console_line = [&console](const std::string& line) { console.line(line); };
    r.load_before = load_1min();
    const auto t0 = Clock::now();
    try {
        r.status = apps::run_guest(o);
    } catch (const std::exception& e) {
        r.status = apps::kExitInfrastructure;
        r.problem = e.what();
    }
    r.wall_s = seconds_since(t0);
    r.load_after = load_1min();
    install_signal_handlers(); // run_guest installed its own
    r.guest_status = console.guest_status;
    return r;
}

// ---- run (c): stock QEMU's multi-process bridge --------------------------------------------

// Runs in the child between fork and exec: die with this process, and close the end of the
// socketpair that belongs to the other child.
struct ChildSetup {
    int close_fd = -1;
    template <class Executor> void operator()(Executor&) const {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (close_fd >= 0) {
            ::close(close_fd);
        }
    }
};

std::string describe_exit(int native) {
    if (WIFSIGNALED(native)) {
        return "was killed by signal " + std::to_string(WTERMSIG(native));
    }
    if (WIFEXITED(native)) {
        return "exited with status " + std::to_string(WEXITSTATUS(native));
    }
    return "ended";
}

RunResult run_stock(const Settings& s, ConsoleLog& console) {
    RunResult r;
    r.name = "stock";
    r.folder = s.base / "stock";
    fs::create_directories(r.folder);
    console.echo = s.verbose;
    const apps::GuestArtifacts artifacts = apps::default_guest_artifacts();
    for (const auto& p : {s.stock_qemu, artifacts.kernel, artifacts.initramfs}) {
        if (!fs::exists(p)) {
            r.problem = p.string() + " is missing" +
                        (p == s.stock_qemu ? " (install qemu-system-x86: scripts/setup-host.sh)"
                                           : " (build the guest image first)");
            return r;
        }
    }
    const fs::path initrd = r.folder / "initrd.img";
    apps::make_guest_initrd(artifacts.initramfs, stock_script(s.stock_samples), initrd);
    const fs::path remote_log = r.folder / "remote.out";

    int ends[2] = {-1, -1};
    // No SOCK_CLOEXEC: each child inherits its end under the same number.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) != 0) {
        r.problem = std::string("socketpair: ") + std::strerror(errno);
        return r;
    }
    const int remote_end = ends[0];
    const int guest_end = ends[1];
    const std::string dev_id = "aie4sim-rdev0";
    const std::vector<std::string> remote_args = {
        "-machine",
        "x-remote",
        "-nodefaults",
        "-display",
        "none",
        "-monitor",
        "none",
        "-device",
        "pci-testdev,id=" + dev_id,
        "-object",
        "x-remote-object,id=aie4sim-robj0,devid=" + dev_id + ",fd=" + std::to_string(remote_end)};
    // The proxy sends the guest RAM's file descriptors to the remote: fd-backed RAM.
    std::vector<std::string> guest_args =
        apps::headless_guest_arguments("q35,memory-backend=mem", 2048, 1, artifacts.kernel, initrd,
                                       "console=ttyS0 panic=-1 quiet aie4sim.payload=required");
    guest_args.insert(guest_args.end(),
                      {"-object", "memory-backend-memfd,id=mem,size=2048M", "-device",
                       "x-pci-proxy-dev,id=" + dev_id + ",fd=" + std::to_string(guest_end)});

    r.load_before = load_1min();
    const auto t0 = Clock::now();
    std::optional<bp::child> remote;
    std::optional<bp::child> guest;
    std::optional<bp::ipstream> out;
    std::thread reader;
    // Every exit path below, exceptions included, stops both processes and the reader.
    struct Cleanup {
        std::optional<bp::child>& remote;
        std::optional<bp::child>& guest;
        std::thread& reader;
        int fds[2];
        ~Cleanup() {
            for (int fd : fds) {
                if (fd >= 0) {
                    ::close(fd);
                }
            }
            try {
                if (guest) {
                    apps::stop_child(*guest);
                }
                if (remote) {
                    apps::stop_child(*remote);
                }
                if (reader.joinable()) {
                    reader.join(); // the pipe's write end died with the guest QEMU
                }
            } catch (...) { // NOLINT(bugprone-empty-catch): nothing more to do in a destructor
            }
        }
    } cleanup{remote, guest, reader, {remote_end, guest_end}};

    try {
        remote.emplace(s.stock_qemu.string(), bp::args(remote_args), bp::std_in.close(),
                       (bp::std_out & bp::std_err) > remote_log.string(),
                       bp::extend::on_exec_setup = ChildSetup{guest_end});
        ::close(remote_end);
        cleanup.fds[0] = -1;
        out.emplace();
        guest.emplace(s.stock_qemu.string(), bp::args(guest_args), bp::std_in.close(),
                      (bp::std_out & bp::std_err) > *out, bp::extend::on_exec_setup = ChildSetup{});
        ::close(guest_end);
        cleanup.fds[1] = -1;
    } catch (const std::exception& e) {
        r.problem = std::string("cannot start stock QEMU: ") + e.what();
        return r;
    }
    reader = std::thread([&console, &out] {
        std::string line;
        while (std::getline(*out, line)) {
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            console.line(line);
        }
    });

    const auto deadline = Clock::now() + std::chrono::seconds(s.timeout_s);
    for (;;) {
        if (g_signal != 0) {
            r.status = apps::kExitInterrupted;
            r.problem = "interrupted (signal " + std::to_string(g_signal.load()) + ")";
            break;
        }
        if (!guest->running()) {
            const int native = guest->native_exit_code();
            apps::stop_child(*remote);
            reader.join();
            r.guest_status = console.guest_status;
            if (r.guest_status < 0) {
                r.status = apps::kExitInfrastructure;
                r.problem = "the guest QEMU " + describe_exit(native) +
                            " before the guest reported its status";
            } else {
                r.status = r.guest_status;
            }
            break;
        }
        if (!remote->running()) {
            const int native = remote->native_exit_code();
            r.status = apps::kExitInfrastructure;
            r.problem = "the remote QEMU " + describe_exit(native) +
                        " while the guest was running:\n" + apps::tail_of(remote_log, 10);
            break;
        }
        if (Clock::now() > deadline) {
            r.status = apps::kExitTimeout;
            r.problem = "the guest did not finish within " + std::to_string(s.timeout_s) + " s";
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    r.wall_s = seconds_since(t0);
    r.load_after = load_1min();
    return r; // Cleanup stops whatever still runs
}

// A run is good when the guest said status 0 and printed everything it was asked for.
void judge(RunResult& r, ConsoleLog& c, const std::vector<std::string>& keys, bool want_dma) {
    std::lock_guard<std::mutex> lock(c.mutex);
    r.guest_status = c.guest_status;
    std::string missing;
    for (const auto& k : keys) {
        const auto it = c.paths.find(k);
        if (it == c.paths.end() || !it->second.read || !it->second.write_read) {
            missing += " " + k;
        }
    }
    if (want_dma && !c.dma) {
        missing += " dma";
    }
    const bool guest_ok = c.guest_status == 0 && c.done && missing.empty();
    if (r.status == apps::kExitInterrupted || r.status == apps::kExitTimeout) {
        r.ok = false;
    } else if (guest_ok && r.status == 0) {
        r.ok = true;
    } else {
        r.ok = false;
        if (r.problem.empty()) {
            r.problem = "guest status " + std::to_string(c.guest_status);
        }
        for (const auto& e : c.errors) {
            r.problem += "; " + e;
        }
        if (!missing.empty()) {
            r.problem += "; missing figures:" + missing;
        }
    }
}

// ---- the report ----------------------------------------------------------------------------

json::value latency_json(const std::optional<Latency>& l) {
    if (!l) {
        return nullptr;
    }
    return json::object{{"median_ns", l->median_ns}, {"p99_ns", l->p99_ns}, {"min_ns", l->min_ns}};
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown";
}

std::string cell(const std::optional<Latency>& l, bool p99) {
    if (!l) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", p99 ? l->p99_ns : l->median_ns);
    return buf;
}

std::optional<double> ratio(const std::optional<Latency>& a, const std::optional<Latency>& b) {
    if (!a || !b || b->median_ns <= 0) {
        return std::nullopt;
    }
    return a->median_ns / b->median_ns;
}

std::string ratio_text(const std::optional<double>& r) {
    if (!r) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, *r >= 10 ? "%.1fx" : "%.3gx", *r);
    return buf;
}

json::value opt_json(const std::optional<double>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

} // namespace

int main(int argc, char* argv[]) {
    Settings s;
    std::string json_path;
    std::string aie4sim_exe;
    std::string stock_qemu;
    bool quick = false;
    po::options_description options(
        "bridge_bench: MMIO round trips and DMA throughput measured from inside the guest,\n"
        "through the aie4sim bridge, a device inside QEMU and stock QEMU's socket bridge");
    options.add_options()("help",
                          "show this help")("samples", po::value(&s.samples)->default_value(20000),
                                            "accesses per MMIO measurement (in-QEMU and aie4sim)")(
        "stock-samples", po::value(&s.stock_samples)->default_value(5000),
        "accesses per MMIO measurement through stock QEMU's bridge")(
        "quick", po::bool_switch(&quick), "fewer samples (2000 / 500) and DMA repeats (8)")(
        "dma-bytes", po::value(&s.dma_bytes)->default_value(1048576), "bytes per DMA fill")(
        "dma-repeat", po::value(&s.dma_repeat)->default_value(32), "timed DMA fills")(
        "json", po::value(&json_path)->default_value("bridge_bench.json"), "JSON report path")(
        "keep", po::bool_switch(&s.keep), "keep the run folders (initrd, logs)")(
        "verbose", po::bool_switch(&s.verbose), "echo the guest consoles")(
        "timeout", po::value(&s.timeout_s)->default_value(600), "seconds per guest run")(
        "aie4sim", po::value(&aie4sim_exe), "the aie4sim executable (default: BUILD/apps/aie4sim)")(
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
    s.stock_qemu = stock_qemu;
    const fs::path model_exe =
        aie4sim_exe.empty()
            ? apps::self_executable().parent_path().parent_path() / "apps" / "aie4sim"
            : fs::absolute(aie4sim_exe);
    if (!fs::exists(model_exe)) {
        std::cerr << "bridge_bench: the aie4sim executable is missing at " << model_exe.string()
                  << " (build it, or give --aie4sim PATH)\n";
        return 2;
    }
    s.model_exe = model_exe;

    std::string base_templ = (fs::temp_directory_path() / "bridge-bench-XXXXXX").string();
    if (::mkdtemp(base_templ.data()) == nullptr) {
        std::cerr << "bridge_bench: cannot create a folder in " << fs::temp_directory_path()
                  << "\n";
        return 2;
    }
    s.base = base_templ;
    install_signal_handlers();

    struct utsname uts {};
    ::uname(&uts);
    const long nproc = ::sysconf(_SC_NPROCESSORS_ONLN);
    const double load_start = load_1min();
    std::printf("bridge_bench: host %s, %ld CPUs (%s), kernel %s; load %.2f\n", uts.nodename, nproc,
                cpu_model().c_str(), uts.release, load_start);
    if (load_start > 0.5 * static_cast<double>(nproc)) {
        std::printf("  warning: the machine is busy (load %.2f on %ld CPUs): the bridge's two "
                    "spinning threads compete for the cores, expect noisy latencies\n",
                    load_start, nproc);
    }
    std::printf("  samples: %ld per MMIO measurement, %ld through the stock bridge; DMA %u x %u "
                "bytes\n",
                s.samples, s.stock_samples, s.dma_repeat, s.dma_bytes);
    std::fflush(stdout);

    // Run (a): aie4sim and the in-QEMU baseline, then DMA.
    std::printf("run 1/2: our QEMU + aie4sim model (vIOMMU on), with a pci-testdev in the same "
                "QEMU\n");
    std::fflush(stdout);
    ConsoleLog a_console;
    RunResult a = run_aie4sim(s, a_console);
    judge(a, a_console, {"in_qemu", "aie4sim_pf", "aie4sim_vf"}, true);
    std::printf("  %s in %.1f s (load %.2f -> %.2f)%s%s\n", a.ok ? "done" : "FAILED", a.wall_s,
                a.load_before, a.load_after, a.problem.empty() ? "" : ": ", a.problem.c_str());
    if (!a.ok) {
        a_console.print_tail(std::cerr);
    }

    // Run (c): stock QEMU's socket bridge.
    ConsoleLog c_console;
    RunResult c;
    c.name = "stock";
    if (g_signal == 0 && a.status != apps::kExitInterrupted) {
        std::printf("run 2/2: stock QEMU (%s): x-pci-proxy-dev -> x-remote QEMU holding a "
                    "pci-testdev\n",
                    s.stock_qemu.c_str());
        std::fflush(stdout);
        try {
            c = run_stock(s, c_console);
        } catch (const std::exception& e) {
            c.status = apps::kExitInfrastructure;
            c.problem = e.what();
        }
        judge(c, c_console, {"stock_bridge"}, false);
        std::printf("  %s in %.1f s (load %.2f -> %.2f)%s%s\n", c.ok ? "done" : "FAILED", c.wall_s,
                    c.load_before, c.load_after, c.problem.empty() ? "" : ": ", c.problem.c_str());
        if (!c.ok) {
            c_console.print_tail(std::cerr);
        }
    } else {
        c.problem = "not run (interrupted)";
    }

    // The table.
    const PathFigures none;
    auto figures = [&](ConsoleLog& console_log, const char* key) -> PathFigures {
        const auto it = console_log.paths.find(key);
        return it == console_log.paths.end() ? none : it->second;
    };
    const PathFigures in_qemu = figures(a_console, "in_qemu");
    const PathFigures pf = figures(a_console, "aie4sim_pf");
    const PathFigures vf = figures(a_console, "aie4sim_vf");
    const PathFigures stock = figures(c_console, "stock_bridge");
    struct Row {
        const char* key;
        const char* label;
        const PathFigures& f;
    };
    const Row rows[] = {{"in_qemu", "in-QEMU (pci-testdev)", in_qemu},
                        {"stock_bridge", "stock QEMU bridge (x-pci-proxy-dev)", stock},
                        {"aie4sim_pf", "aie4sim PF (BAR0 0xF004)", pf},
                        {"aie4sim_vf", "aie4sim VF1 (BAR0 0xF004)", vf}};
    std::printf("\nMMIO round trips from a guest user program (ns; write = write + read back)\n");
    std::printf("  %-37s %10s %10s %10s %10s %8s\n", "path", "read med", "read p99", "write med",
                "write p99", "samples");
    for (const auto& row : rows) {
        std::printf("  %-37s %10s %10s %10s %10s %8ld\n", row.label,
                    cell(row.f.read, false).c_str(), cell(row.f.read, true).c_str(),
                    cell(row.f.write_read, false).c_str(), cell(row.f.write_read, true).c_str(),
                    row.f.samples);
    }
    const auto stock_pf_read = ratio(stock.read, pf.read);
    const auto stock_pf_write = ratio(stock.write_read, pf.write_read);
    const auto stock_vf_read = ratio(stock.read, vf.read);
    const auto stock_vf_write = ratio(stock.write_read, vf.write_read);
    const auto pf_qemu_read = ratio(pf.read, in_qemu.read);
    const auto pf_qemu_write = ratio(pf.write_read, in_qemu.write_read);
    const auto vf_qemu_read = ratio(vf.read, in_qemu.read);
    const auto vf_qemu_write = ratio(vf.write_read, in_qemu.write_read);
    std::printf("\nRatios of medians              %10s %10s\n", "read", "write");
    std::printf("  stock bridge / aie4sim PF      %10s %10s   (target >= 30x)\n",
                ratio_text(stock_pf_read).c_str(), ratio_text(stock_pf_write).c_str());
    std::printf("  stock bridge / aie4sim VF      %10s %10s\n", ratio_text(stock_vf_read).c_str(),
                ratio_text(stock_vf_write).c_str());
    std::printf("  aie4sim PF / in-QEMU           %10s %10s\n", ratio_text(pf_qemu_read).c_str(),
                ratio_text(pf_qemu_write).c_str());
    std::printf("  aie4sim VF / in-QEMU           %10s %10s\n", ratio_text(vf_qemu_read).c_str(),
                ratio_text(vf_qemu_write).c_str());

    auto verdict = [](std::optional<bool> met) {
        return !met ? "not measured" : (*met ? "met" : "not met");
    };
    auto le_2us = [](const std::optional<Latency>& l) -> std::optional<bool> {
        if (!l) {
            return std::nullopt;
        }
        return l->median_ns <= 2000;
    };
    auto ge_30x = [](const std::optional<double>& r) -> std::optional<bool> {
        if (!r) {
            return std::nullopt;
        }
        return *r >= 30;
    };
    const auto target_pf_2us = le_2us(pf.read);
    const auto target_vf_2us = le_2us(vf.read);
    const auto target_pf_30x = ge_30x(stock_pf_read);
    const auto target_vf_30x = ge_30x(stock_vf_read);
    std::printf("\nTargets\n");
    std::printf("  aie4sim median read <= 2 us:    PF %s, VF %s\n", verdict(target_pf_2us),
                verdict(target_vf_2us));
    std::printf("  stock bridge / aie4sim >= 30x:  PF %s, VF %s (median reads)\n",
                verdict(target_pf_30x), verdict(target_vf_30x));

    const auto dma = a_console.dma;
    std::printf("\nDMA into guest memory (VF1 bound to vfio-pci, buffer at an IOVA)\n");
    if (dma) {
        std::printf("  %u fills of %u bytes in %.3f ms = %.1f MB/s\n", dma->repeat, dma->bytes,
                    dma->ms, dma->mb_per_s);
    } else {
        std::printf("  not measured\n");
    }
    std::printf("  path: the model's DMA goes through the message path (DMA_WRITE messages of at "
                "most 64 KiB\n  through the shared-memory ring) and QEMU's vIOMMU (intel-iommu); "
                "each fill ends with\n  an MSI-X the guest waits for through vfio's eventfd\n");

    // The JSON report.
    json::object report;
    report["benchmark"] = "bridge_bench";
    report["host"] = json::object{
        {"nproc", nproc},         {"kernel", uts.release}, {"kernel_version", uts.version},
        {"machine", uts.machine}, {"cpu", cpu_model()},    {"load_1min_at_start", load_start}};
    report["samples"] = s.samples;
    report["stock_samples"] = s.stock_samples;
    json::object mmio;
    for (const auto& row : rows) {
        mmio[row.key] = json::object{{"label", row.label},
                                     {"samples", row.f.samples},
                                     {"read", latency_json(row.f.read)},
                                     {"write_read", latency_json(row.f.write_read)}};
    }
    report["mmio"] = std::move(mmio);
    report["ratios"] =
        json::object{{"stock_over_aie4sim_pf_read", opt_json(stock_pf_read)},
                     {"stock_over_aie4sim_pf_write_read", opt_json(stock_pf_write)},
                     {"stock_over_aie4sim_vf_read", opt_json(stock_vf_read)},
                     {"stock_over_aie4sim_vf_write_read", opt_json(stock_vf_write)},
                     {"aie4sim_pf_over_in_qemu_read", opt_json(pf_qemu_read)},
                     {"aie4sim_pf_over_in_qemu_write_read", opt_json(pf_qemu_write)},
                     {"aie4sim_vf_over_in_qemu_read", opt_json(vf_qemu_read)},
                     {"aie4sim_vf_over_in_qemu_write_read", opt_json(vf_qemu_write)}};
    auto target_json = [](std::optional<bool> met) {
        return met ? json::value(*met) : json::value(nullptr);
    };
    report["targets"] = json::object{
        {"aie4sim_median_read_le_2us",
         json::object{{"pf", target_json(target_pf_2us)}, {"vf", target_json(target_vf_2us)}}},
        {"stock_over_aie4sim_ge_30x",
         json::object{{"pf", target_json(target_pf_30x)}, {"vf", target_json(target_vf_30x)}}}};
    if (dma) {
        report["dma"] = json::object{
            {"bytes_per_fill", dma->bytes},
            {"fills", dma->repeat},
            {"ms", dma->ms},
            {"mb_per_s", dma->mb_per_s},
            {"path", "model DMA_WRITE messages (<= 64 KiB each) through the shared-memory ring, "
                     "guest vIOMMU (intel-iommu), VF bound to vfio-pci"}};
    } else {
        report["dma"] = nullptr;
    }
    json::array runs;
    for (const RunResult* r : {&a, &c}) {
        runs.push_back(json::object{{"name", r->name},
                                    {"ok", r->ok},
                                    {"status", r->status},
                                    {"guest_status", r->guest_status},
                                    {"wall_s", r->wall_s},
                                    {"load_1min_before", r->load_before},
                                    {"load_1min_after", r->load_after},
                                    {"problem", r->problem}});
    }
    report["runs"] = std::move(runs);
    std::ofstream json_out(json_path);
    json_out << json::serialize(report) << "\n";
    json_out.close();
    const bool report_ok = static_cast<bool>(json_out);
    std::printf("\nreport: %s%s\n", json_path.c_str(), report_ok ? "" : " (could not be written)");

    const bool all_ok = a.ok && c.ok;
    std::error_code ec;
    if (s.keep || !all_ok) {
        std::printf("run folders kept in %s\n", s.base.c_str());
    } else {
        fs::remove_all(s.base, ec);
    }
    if (g_signal != 0 || a.status == apps::kExitInterrupted) {
        return apps::kExitInterrupted;
    }
    return all_ok && report_ok ? 0 : 1;
}
