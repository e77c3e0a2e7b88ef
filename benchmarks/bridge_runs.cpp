#include "benchmarks/bridge_runs.h"

#include "apps/build_paths.h"
#include "apps/child_process.h"
#include "apps/guest_launcher.h"

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace aie4sim::bench {

namespace apps = aie4sim::apps;
namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::atomic<int> g_signal{0};

namespace {

void on_signal(int sig) {
    g_signal = sig;
}

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

} // namespace

void install_signal_handlers() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);
}

double load_1min() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

// ---- the console ---------------------------------------------------------------------------

void ConsoleLog::line(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    if (echo) {
        std::cout << "  | " << text << "\n" << std::flush;
    }
    tail.push_back(text);
    if (tail.size() > 40) {
        tail.erase(tail.begin());
    }
    std::istringstream in(text);
    std::string tag;
    in >> tag;
    // Phase marks: the guest sleeps a moment after each, so the snapshot taken when the line
    // arrives falls between accesses.
    auto snap = [this]() -> std::optional<Snapshot> {
        if (!probe) {
            return std::nullopt;
        }
        return probe->take();
    };
    if (tag == "BENCH-BEGIN") {
        Phase p;
        std::getline(in >> std::ws, p.key);
        p.begin = snap();
        phases.push_back(std::move(p));
    } else if (tag == "BENCH-END" || tag == "BENCH-MMIO") {
        std::string key;
        std::string kind;
        in >> key;
        if (tag == "BENCH-MMIO") {
            long n = 0;
            Latency l;
            in >> kind;
            if (in >> n >> l.median_ns >> l.p99_ns >> l.min_ns) {
                key += " " + kind;
                mmio[key] = l;
                samples[key] = n;
                if (!echo) {
                    std::printf("    guest: %-22s %6ld samples: median %8.0f ns, p99 %9.0f ns, "
                                "min %7.0f ns\n",
                                key.c_str(), n, l.median_ns, l.p99_ns, l.min_ns);
                    std::fflush(stdout);
                }
            }
        }
        for (auto it = phases.rbegin(); it != phases.rend(); ++it) {
            if (it->key == key && !it->end) {
                it->end = snap();
                break;
            }
        }
    } else if (tag == "BENCH-DMA") {
        in >> dma_key;
    } else if (tag == "dma-timed:") {
        Phase p;
        p.key = dma_key;
        p.begin = snap();
        phases.push_back(std::move(p));
    } else if (tag == "dma-throughput:") {
        // "dma-throughput: R x N bytes in T ms = X MB/s (P pages)" (tests/guest/aie4sim-vfio-dma.c)
        Dma d;
        if (std::sscanf(text.c_str(), "dma-throughput: %u x %u bytes in %lf ms = %lf MB/s",
                        &d.repeat, &d.bytes, &d.ms, &d.mb_per_s) == 4) {
            dma[text.find("2 MiB pages") != std::string::npos ? "dma-2m" : "dma-4k"] = d;
            if (!echo) {
                std::printf("    guest: %s\n", text.c_str());
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

void ConsoleLog::print_tail(std::ostream& out) {
    std::lock_guard<std::mutex> lock(mutex);
    if (tail.empty()) {
        return;
    }
    out << "  last lines of the guest console:\n";
    for (const auto& l : tail) {
        out << "    " << l << "\n";
    }
}

const Phase* ConsoleLog::phase(const std::string& key) const {
    for (const Phase& p : phases) {
        if (p.key == key && p.begin && p.end) {
            return &p;
        }
    }
    return nullptr;
}

// ---- the guest scripts ---------------------------------------------------------------------

namespace {

// Shell helpers (the same as tests/integration/guest-lib.sh) and the measurements.
// `measure KEY RESOURCE OFFSET N` prints, for read and for write:
//   BENCH-BEGIN KEY KIND, then (after the access loop) BENCH-MMIO KEY KIND N median p99 min.
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
    for kind in read write; do
        echo "BENCH-BEGIN $1 $kind"; sleep 0.5
        r=$(aie4sim-mmio --latency "$2" "$3" "$4" $kind) || die "aie4sim-mmio $kind on $2 failed"
        echo "BENCH-MMIO $1 $kind $4 $r"; sleep 0.5
    done
}
idle() { # idle SECONDS: the guest does nothing; the host measures what both processes burn
    echo "BENCH-BEGIN idle"; sleep "$1"; echo "BENCH-END idle"
}
testdev() { # the sysfs name of the first pci-testdev (1b36:0005)
    t=$(lspci -n -d 1b36:0005 | awk 'NR == 1 { print $1 }')
    [ -n "$t" ] || die "no pci-testdev (1b36:0005) on the bus"
    case "$t" in *:*:*) echo "$t" ;; *) echo "0000:$t" ;; esac
}
)SH";

std::string aie4sim_script(const Settings& s) {
    std::ostringstream o;
    o << kScriptHead << "N=" << s.samples << "\n"
      << "idle " << s.idle_s << "\n"
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
)SH";
    for (const char* pages : {"4k", "2m"}) {
        // The phase starts at the program's "dma-timed: begin": after its first fill and its
        // checksum, whose first touches of the buffer are no part of the steady state.
        o << "echo \"BENCH-DMA dma-" << pages << "\"\n"
          << "aie4sim-vfio-dma $vf --bytes " << s.dma_bytes << " --repeat " << s.dma_repeat
          << " --settle-ms 500" << (pages == std::string("2m") ? " --hugepage" : "")
          << " || die \"aie4sim-vfio-dma failed\"\n"
          << "echo \"BENCH-END dma-" << pages << "\"; sleep 0.5\n";
    }
    o << "echo BENCH-DONE\n";
    return o.str();
}

std::string stock_script(const Settings& s) {
    std::ostringstream o;
    o << kScriptHead << "N=" << s.stock_samples << "\n"
      << "idle " << s.idle_s << "\n"
      << "t=$(testdev)\n"
      << "measure stock_bridge $SYS/$t/resource0 0 $N\n"
      << "echo BENCH-DONE\n";
    return o.str();
}

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

} // namespace

// ---- run (a): our QEMU and the model, through the launcher ---------------------------------

RunResult run_aie4sim(const Settings& s, const std::string& tag, ConsoleLog& console) {
    RunResult r;
    r.name = "aie4sim";
    r.folder = s.base / ("aie4sim-" + tag);
    apps::GuestOptions o;
    o.model_executable = s.model_exe;
    if (!s.qemu_exe.empty()) {
        o.artifacts.qemu = s.qemu_exe;
    }
    o.script = aie4sim_script(s);
    o.iommu = true;
    // Named threads ("CPU 0/TCG", ...), so that the probe can say which thread did what.
    o.qemu_args = {"-device", "pci-testdev", "-name", "aie4sim,debug-threads=on"};
    o.qemu_args.insert(o.qemu_args.end(), s.qemu_args.begin(), s.qemu_args.end());
    o.model_args = s.model_args;
    o.model_log_spec = "warn"; // info logs every scratch write: that would time the logger
    // The kernel's IO-APIC timer check times TCG's emulated timer against the host's clock:
    // on a host busy with other work (the busy pass) it can fail and panic the guest. Huge
    // pages hold the buffer of the second DMA measurement.
    o.kernel_args = "no_timer_check hugepages=" + std::to_string(2 * ((s.dma_bytes >> 21) + 1));
    o.run_dir = r.folder;
    o.keep_run_dir = true; // this program removes the base folder itself
    o.timeout_s = s.timeout_s;
    o.echo_console = false;
    console.echo = s.verbose;
    // Both processes name the run folder on their command lines (socket, initrd).
    console.probe = std::make_shared<RunProbe>(r.folder.string() + "/");
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

// ---- run (b): stock QEMU's multi-process bridge --------------------------------------------

RunResult run_stock(const Settings& s, const std::string& tag, ConsoleLog& console) {
    RunResult r;
    r.name = "stock";
    r.folder = s.base / ("stock-" + tag);
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
    apps::make_guest_initrd(artifacts.initramfs, stock_script(s), initrd);
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
                                       "console=ttyS0 panic=-1 quiet aie4sim.payload=required "
                                       "no_timer_check");
    guest_args.insert(guest_args.end(),
                      {"-name", "stock,debug-threads=on", "-object",
                       "memory-backend-memfd,id=mem,size=2048M", "-device",
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
        console.probe = std::make_shared<RunProbe>(std::vector<std::pair<std::string, pid_t>>{
            {"qemu", guest->id()}, {"remote", remote->id()}});
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

void judge(RunResult& r, ConsoleLog& c, const std::vector<std::string>& keys, bool want_dma) {
    std::lock_guard<std::mutex> lock(c.mutex);
    r.guest_status = c.guest_status;
    std::string missing;
    for (const auto& k : keys) {
        for (const char* kind : {" read", " write"}) {
            if (c.mmio.count(k + kind) == 0) {
                missing += " " + k + kind;
            }
        }
    }
    for (const char* key : {"dma-4k", "dma-2m"}) {
        if (want_dma && c.dma.count(key) == 0) {
            missing += std::string(" ") + key;
        }
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

PassResult run_pass(const Settings& s, const std::string& load) {
    PassResult pass;
    pass.load = load;
    std::printf("\n== %s ==\n", load == "busy" ? "busy: another process burns one CPU throughout"
                                               : "quiet: nothing else runs");
    std::unique_ptr<BusyCpu> hog;
    if (load == "busy") {
        hog = std::make_unique<BusyCpu>();
    }
    std::printf("run 1/2: our QEMU + aie4sim model (vIOMMU on), with a pci-testdev in the same "
                "QEMU\n");
    std::fflush(stdout);
    pass.aie4sim = run_aie4sim(s, load, *pass.aie4sim_console);
    judge(pass.aie4sim, *pass.aie4sim_console, {"in_qemu", "aie4sim_pf", "aie4sim_vf"}, true);
    std::printf("  %s in %.1f s (load %.2f -> %.2f)%s%s\n", pass.aie4sim.ok ? "done" : "FAILED",
                pass.aie4sim.wall_s, pass.aie4sim.load_before, pass.aie4sim.load_after,
                pass.aie4sim.problem.empty() ? "" : ": ", pass.aie4sim.problem.c_str());
    if (!pass.aie4sim.ok) {
        pass.aie4sim_console->print_tail(std::cerr);
    }
    pass.stock.name = "stock";
    if (g_signal != 0 || pass.aie4sim.status == apps::kExitInterrupted) {
        pass.stock.problem = "not run (interrupted)";
        return pass;
    }
    std::printf("run 2/2: stock QEMU (%s): x-pci-proxy-dev -> x-remote QEMU holding a "
                "pci-testdev\n",
                s.stock_qemu.c_str());
    std::fflush(stdout);
    try {
        pass.stock = run_stock(s, load, *pass.stock_console);
    } catch (const std::exception& e) {
        pass.stock.status = apps::kExitInfrastructure;
        pass.stock.problem = e.what();
    }
    judge(pass.stock, *pass.stock_console, {"stock_bridge"}, false);
    std::printf("  %s in %.1f s (load %.2f -> %.2f)%s%s\n", pass.stock.ok ? "done" : "FAILED",
                pass.stock.wall_s, pass.stock.load_before, pass.stock.load_after,
                pass.stock.problem.empty() ? "" : ": ", pass.stock.problem.c_str());
    if (!pass.stock.ok) {
        pass.stock_console->print_tail(std::cerr);
    }
    return pass;
}

BusyCpu::BusyCpu() {
    const pid_t pid = ::fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        volatile std::uint64_t x = 1;
        for (;;) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        }
    }
    pid_ = pid;
}

BusyCpu::~BusyCpu() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
}

} // namespace aie4sim::bench
