#include "apps/vm_fleet.h"

#include "apps/child_process.h"

#define BOOST_PROCESS_USE_STD_FS
#include <atomic>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <sys/wait.h>
#include <thread>

namespace aie4sim::apps {

namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::atomic<int> g_signal{0};
void on_signal(int sig) {
    g_signal = sig;
}

void say(const std::string& text) {
    std::cerr << "aie4sim vms: " << text << std::endl;
}

const char* const kExitMarker = "AIE4SIM-EXIT-STATUS: ";
const char* const kHostReady = "AIE4SIM-HOST-READY";
const char* const kHostDone = "AIE4SIM-HOST-DONE: ";

// One QEMU, its console read line by line on a thread of its own.
class Vm {
public:
    Vm(unsigned number, const fs::path& qemu, const std::vector<std::string>& args,
       std::function<void(unsigned, const std::string&)> on_line)
        : number_(number), on_line_(std::move(on_line)) {
        child_ = bp::child(qemu.string(), bp::args(args), bp::std_in.close(),
                           (bp::std_out & bp::std_err) > console_,
                           bp::extend::on_exec_setup = DieWithParent{});
        reader_ = std::thread([this] { read(); });
    }
    ~Vm() {
        stop();
        console_.pipe().close();
        if (reader_.joinable()) {
            reader_.join();
        }
    }
    Vm(const Vm&) = delete;
    Vm& operator=(const Vm&) = delete;

    bool running() { return child_.running(); }
    void stop() { stop_child(child_); }
    [[nodiscard]] int status() const { return status_; }
    [[nodiscard]] int host_status() const { return host_status_; }
    [[nodiscard]] bool host_ready() const { return host_ready_; }
    [[nodiscard]] std::string last_lines() {
        const std::lock_guard<std::mutex> lock(mutex_);
        std::string out;
        for (const auto& l : last_) {
            out += "    " + l + "\n";
        }
        return out;
    }

private:
    void read() {
        std::string line;
        while (std::getline(console_, line)) {
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (const auto at = line.find(kExitMarker); at != std::string::npos) {
                status_ = std::atoi(line.c_str() + at + std::strlen(kExitMarker));
            }
            if (line.find(kHostReady) != std::string::npos) {
                host_ready_ = true;
            }
            if (const auto at = line.find(kHostDone); at != std::string::npos) {
                host_status_ = std::atoi(line.c_str() + at + std::strlen(kHostDone));
            }
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                last_.push_back(line);
                if (last_.size() > 12) {
                    last_.pop_front();
                }
            }
            if (on_line_) {
                on_line_(number_, line);
            }
        }
    }

    unsigned number_;
    std::function<void(unsigned, const std::string&)> on_line_;
    bp::ipstream console_;
    bp::child child_;
    std::thread reader_;
    std::atomic<int> status_{-1};
    std::atomic<int> host_status_{-1};
    std::atomic<bool> host_ready_{false};
    std::mutex mutex_;
    std::deque<std::string> last_;
};

std::string kernel_command_line(const std::string& carveout) {
    // no_timer_check: under TCG on a loaded host the IO-APIC timer check can miss its ticks.
    std::string append = "console=ttyS0 panic=-1 quiet no_timer_check aie4sim.payload=required";
    if (!carveout.empty()) {
        const auto at = carveout.find('@');
        append += " memmap=" + carveout.substr(0, at) + "$" + carveout.substr(at + 1) +
                  " aie4sim.carveout=" + carveout;
    }
    return append;
}

// A q35 machine whose RAM is a shared memfd (DMA straight into it), the device behind a PCIe
// root port as a discrete device sits.
std::vector<std::string> vm_arguments(const FleetOptions& o, unsigned memory_mb,
                                      const fs::path& initrd, const std::string& carveout,
                                      const std::string& device) {
    auto args = headless_guest_arguments("q35,memory-backend=ram", memory_mb, 1, o.artifacts.kernel,
                                         initrd, kernel_command_line(carveout));
    args.insert(args.end(),
                {"-object",
                 "memory-backend-memfd,id=ram,size=" + std::to_string(memory_mb) + "M,share=on",
                 "-device", "pcie-root-port,id=aie4sim_rp,chassis=1,slot=1,mem-reserve=256M",
                 "-device", device});
    return args;
}

bool any_signal() {
    return g_signal != 0;
}

} // namespace

std::string fleet_host_script(unsigned vfs, const std::string& then) {
    std::ostringstream s;
    s << "PF=/sys/bus/pci/devices/0000:01:00.0\n"
      << "modprobe amdxdna || exit 1\n"
      << "echo 0 > $PF/sriov_drivers_autoprobe\n"
      << "echo " << vfs << " > $PF/sriov_numvfs || exit 1\n"
      << "echo \"host: PF bound to $(basename $(readlink $PF/driver)), " << vfs
      << " VFs enabled and left unbound for passthrough\"\n"
      << "echo " << kHostReady << "\n"
      << "( " << (then.empty() ? std::string("true") : then) << "\n)\n"
      << "echo \"" << kHostDone << "$?\"\n"
      << "while :; do sleep 3600; done\n";
    return s.str();
}

std::string fleet_guest_prologue() {
    return "modprobe amdxdna || exit 1\n"
           "[ -d /sys/kernel/debug/accel ] || mount -t debugfs none /sys/kernel/debug\n"
           "bdf=\n"
           "for _ in $(seq 1 50); do\n"
           "  d=$(ls -d /sys/bus/pci/drivers/amdxdna/0000:* 2>/dev/null | head -n 1)\n"
           "  [ -n \"$d\" ] && bdf=$(basename $d) && break; sleep 0.1\n"
           "done\n"
           "[ -n \"$bdf\" ] || { echo 'guest: amdxdna bound no device'; exit 1; }\n"
           "region=$(sed -n 's/.*aie4sim\\.carveout=\\([^ ]*\\).*/\\1/p' /proc/cmdline)\n"
           "for _ in $(seq 1 50); do [ -e /sys/kernel/debug/accel/$bdf/carveout ] && break; "
           "sleep 0.1; done\n"
           "echo \"$region\" > /sys/kernel/debug/accel/$bdf/carveout\n"
           "echo \"guest: amdxdna bound $bdf ($(cat /sys/bus/pci/devices/$bdf/vendor):"
           "$(cat /sys/bus/pci/devices/$bdf/device))\"\n";
}

FleetResult run_fleet(const FleetOptions& o) {
    FleetResult result;
    result.guest_status.assign(o.guests.size(), -1);
    std::string templ = (fs::temp_directory_path() / "aie4sim-vms-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
        throw std::runtime_error("cannot create a run folder");
    }
    const fs::path run = templ;
    struct Cleanup {
        fs::path path;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } cleanup{run};
    const fs::path socket = run / "model.sock";
    const std::string address = o.listen.empty() ? "unix:" + socket.string() : o.listen;
    const fs::path model_log = o.model_log.empty() ? run / "model.log" : o.model_log;
    make_guest_initrd(o.artifacts.initramfs, o.host_script, run / "host.img");
    for (std::size_t k = 0; k < o.guests.size(); ++k) {
        make_guest_initrd(o.artifacts.initramfs, o.guests[k].script,
                          run / ("guest" + std::to_string(k + 1) + ".img"), o.guests[k].files);
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);

    std::vector<std::string> model_args = {"model",          "--socket",   address,
                                           "--guests",       "on",         "--log",
                                           o.model_log_spec, "--log-file", model_log.string()};
    if (!o.config_file.empty()) {
        model_args.insert(model_args.end(), {"--config", o.config_file});
    }
    model_args.insert(model_args.end(), o.model_args.begin(), o.model_args.end());
    const fs::path exe =
        o.model_executable.empty() ? build_directory() / "apps" / "aie4sim" : o.model_executable;
    bp::child model(exe.string(), bp::args(model_args), bp::std_in.close(),
                    bp::std_out > (run / "model.out").string(),
                    bp::std_err > (run / "model.out").string(),
                    bp::extend::on_exec_setup = DieWithParent{});
    auto fail = [&](const std::string& why) {
        say(why);
        std::cerr << "  end of the model's log:\n" << tail_of(model_log, 12);
        return result;
    };
    if (o.listen.empty()) {
        const auto until = Clock::now() + std::chrono::seconds(60);
        while (!fs::exists(socket) && model.running() && Clock::now() < until && !any_signal()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (!fs::exists(socket)) {
            stop_child(model);
            return fail("the model did not start listening");
        }
    }
    auto echo = [&](unsigned vm, const std::string& line) {
        if (o.echo_console) {
            std::cout << (vm == 0 ? std::string("[host] ") : "[vm" + std::to_string(vm) + "] ")
                      << line << '\n'
                      << std::flush;
        }
        if (o.on_console_line) {
            o.on_console_line(vm, line);
        }
    };
    const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
    Vm host(0, o.artifacts.qemu,
            vm_arguments(o, o.host_memory_mb, run / "host.img", "",
                         "aie4sim-pf,bus=aie4sim_rp,addr=0.0,socket=" + address),
            echo);
    while (!host.host_ready() && host.running() && model.running() && Clock::now() < deadline &&
           !any_signal()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!host.host_ready()) {
        host.stop();
        stop_child(model);
        say("the host VM did not get its VFs ready; its console ended with:\n" + host.last_lines());
        return fail(any_signal() ? "interrupted" : "no guest VM started");
    }
    std::vector<std::unique_ptr<Vm>> guests;
    for (std::size_t k = 0; k < o.guests.size(); ++k) {
        const FleetGuest& g = o.guests[k];
        guests.push_back(std::make_unique<Vm>(
            static_cast<unsigned>(k + 1), o.artifacts.qemu,
            vm_arguments(o, o.guest_memory_mb, run / ("guest" + std::to_string(k + 1) + ".img"),
                         o.guest_carveout,
                         "aie4sim-vf-guest,bus=aie4sim_rp,addr=0.0,vf=" + std::to_string(g.vf) +
                             ",attach-wait=" + std::to_string(o.attach_wait_s) +
                             ",socket=" + address),
            echo));
    }
    bool timed_out = false;
    for (;;) {
        bool any = false;
        for (auto& g : guests) {
            any = any || g->running();
        }
        if (!any || any_signal() || !model.running()) {
            break;
        }
        if (Clock::now() > deadline) {
            timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool model_died = !model.running();
    for (auto& g : guests) {
        g->stop();
    }
    // The host's own commands may still run (they can act on the guests' VFs): they end first.
    while (!o.host_script.empty() && host.host_status() < 0 && host.running() && model.running() &&
           Clock::now() < deadline && !any_signal()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // The host VM ends last; QEMU's exit says goodbye to the model, which then ends by itself.
    const int host_done = host.host_status();
    host.stop();
    const auto grace = Clock::now() + std::chrono::seconds(10);
    while (model.running() && Clock::now() < grace) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop_child(model);
    result.host_status = host_done;
    bool ok = host_done == 0;
    if (!ok) {
        say("the host VM's commands " +
            (host_done < 0 ? std::string("reported no status")
                           : "ended with status " + std::to_string(host_done)) +
            "; its console ended with:\n" + host.last_lines());
    }
    for (std::size_t k = 0; k < guests.size(); ++k) {
        result.guest_status[k] = guests[k]->status();
        if (result.guest_status[k] != 0) {
            ok = false;
            say("guest VM " + std::to_string(k + 1) + " (VF" + std::to_string(o.guests[k].vf) +
                ") " +
                (result.guest_status[k] < 0
                     ? std::string("reported no status")
                     : "ended with status " + std::to_string(result.guest_status[k])) +
                "; its console ended with:\n" + guests[k]->last_lines());
        }
    }
    if (any_signal()) {
        say("interrupted: every VM and the model are stopped");
        result.status = kExitInterrupted;
    } else if (timed_out) {
        say("the VMs did not finish within " + std::to_string(o.timeout_s) + " s");
        result.status = kExitTimeout;
    } else if (model_died) {
        say("the model ended while the VMs ran");
        std::cerr << tail_of(model_log, 12);
        result.status = kExitInfrastructure;
    } else {
        result.status = ok ? 0 : 1;
    }
    if (result.status != 0 && o.model_log.empty()) {
        std::cerr << "  end of the model's log:\n" << tail_of(model_log, 15);
    }
    return result;
}

} // namespace aie4sim::apps
