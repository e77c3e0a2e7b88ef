#include "apps/guest_launcher.h"

#include "apps/child_process.h"
#include "apps/cpio_writer.h"

#define BOOST_PROCESS_USE_STD_FS
#include <algorithm>
#include <atomic>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
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
    std::cerr << "aie4sim guest: " << text << std::endl;
}

std::string describe_exit(int native) {
    if (WIFSIGNALED(native)) {
        return "was killed by signal " + std::to_string(WTERMSIG(native)) + " (" +
               strsignal(WTERMSIG(native)) + ")";
    }
    if (WIFEXITED(native)) {
        return "exited with status " + std::to_string(WEXITSTATUS(native));
    }
    return "ended";
}

bool abnormal(int native) {
    return WIFSIGNALED(native) || (WIFEXITED(native) && WEXITSTATUS(native) != 0);
}

// The model ends with kModelExitPeerLost when QEMU vanished under it: QEMU went first.
bool model_lost_qemu(int native) {
    return WIFEXITED(native) && WEXITSTATUS(native) == kModelExitPeerLost;
}

// A run folder that goes away on every exit unless told to stay.
struct RunFolder {
    std::filesystem::path path;
    bool remove = true;
    ~RunFolder() {
        if (remove && !path.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
        }
    }
};

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes, bool append) {
    std::ofstream out(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

std::vector<std::string> model_arguments(const GuestOptions& o, const fs::path& socket,
                                         const fs::path& log) {
    std::vector<std::string> args = {"model",
                                     "--socket",
                                     "unix:" + socket.string(),
                                     "--time",
                                     o.time == GuestTime::free ? "free" : "lockstep",
                                     "--log",
                                     o.model_log_spec,
                                     "--log-file",
                                     log.string()};
    if (!o.config_file.empty()) {
        args.push_back("--config");
        args.push_back(o.config_file);
    }
    args.insert(args.end(), o.model_args.begin(), o.model_args.end());
    return args;
}

std::vector<std::string> qemu_arguments(const GuestOptions& o, const fs::path& socket,
                                        const fs::path& initrd) {
    // no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can miss the
    // PIT's ticks and panic ("IO-APIC + timer doesn't work"), as it did in a test run at load 15.
    std::string append = "console=ttyS0 panic=-1 quiet no_timer_check aie4sim.payload=required";
    if (o.iommu) {
        append += " intel_iommu=on";
    }
    if (!o.carveout.empty()) {
        const auto at = o.carveout.find('@');
        append += " memmap=" + o.carveout.substr(0, at) + "$" + o.carveout.substr(at + 1) +
                  " aie4sim.carveout=" + o.carveout;
    }
    if (!o.kernel_args.empty()) {
        append += " " + o.kernel_args;
    }
    std::string device = "aie4sim-pf,bus=aie4sim_rp,addr=0.0,socket=unix:" + socket.string();
    if (o.time != GuestTime::free) {
        device += ",quantum-ns=" + std::to_string(o.quantum_ns);
    }
    // Guest RAM in a shared memfd, so that the model's DMA reaches it without messages
    // (docs/cosim-protocol.md, GUEST_RAM and DMA_MAP).
    std::vector<std::string> args = headless_guest_arguments(
        "q35,memory-backend=aie4sim-ram", o.memory_mb, o.cpus, o.artifacts.kernel, initrd, append);
    args.insert(args.end(), {"-object", "memory-backend-memfd,id=aie4sim-ram,size=" +
                                            std::to_string(o.memory_mb) + "M,share=on"});
    if (o.iommu) {
        // Before the PCI devices, so that they are behind it.
        args.insert(args.end(), {"-device", "intel-iommu"});
    }
    args.insert(args.end(),
                {// The endpoint sits behind a root port, as a discrete PCIe device would; the port
                 // reserves room for the VF BAR apertures that firmware does not assign.
                 "-device", "pcie-root-port,id=aie4sim_rp,chassis=1,slot=1,mem-reserve=256M",
                 "-device", device});
    if (o.time == GuestTime::deterministic) {
        // Virtual time counts instructions and never waits for the host: the same guest
        // script then yields the same model-side event order and simulated times.
        args.insert(args.end(),
                    {"-icount", "shift=4,sleep=off", "-rtc", "clock=vm,base=2026-01-01"});
    }
    args.insert(args.end(), o.qemu_args.begin(), o.qemu_args.end());
    return args;
}

void check_carveout(const std::string& carveout) {
    if (carveout.empty()) {
        return;
    }
    const auto at = carveout.find('@');
    char* end = nullptr;
    const std::uint64_t size =
        at == std::string::npos ? 0 : std::strtoull(carveout.c_str(), &end, 0);
    const bool size_ok = at != std::string::npos && end == carveout.c_str() + at;
    const std::uint64_t address = size_ok ? std::strtoull(carveout.c_str() + at + 1, &end, 0) : 0;
    if (!size_ok || *end != '\0' || size == 0 || (size & 0xFFF) != 0 || (address & 0xFFF) != 0) {
        throw std::invalid_argument("--carveout \"" + carveout +
                                    "\": expected SIZE@ADDR, both page aligned (or none)");
    }
}

void check_artifacts(const GuestArtifacts& a) {
    for (const auto& [what, path] : {std::pair<const char*, fs::path>{"QEMU", a.qemu},
                                     {"the guest kernel", a.kernel},
                                     {"the guest image", a.initramfs}}) {
        if (!fs::exists(path)) {
            throw std::runtime_error(std::string(what) + " is missing at " + path.string() +
                                     ": build it first (./aie4sim builds everything)");
        }
    }
}

} // namespace

PayloadFile parse_payload_file(const std::string& spec) {
    const auto colon = spec.rfind(':');
    PayloadFile f;
    f.host = spec.substr(0, colon);
    f.name = colon == std::string::npos ? f.host.filename().string() : spec.substr(colon + 1);
    if (f.name.empty() || f.name == "." || f.name == ".." ||
        f.name.find('/') != std::string::npos) {
        throw std::invalid_argument("--file \"" + spec + "\": NAME must be a plain file name");
    }
    if (!fs::is_regular_file(f.host)) {
        throw std::invalid_argument("--file \"" + spec + "\": no file " + f.host.string());
    }
    return f;
}

void make_guest_initrd(const fs::path& initramfs, const std::string& script, const fs::path& out,
                       const std::vector<PayloadFile>& files) {
    CpioWriter payload;
    payload.add_directory("aie4sim");
    payload.add_file("aie4sim/payload.sh", script);
    if (!files.empty()) {
        payload.add_directory("aie4sim/files");
    }
    std::vector<std::string> names;
    for (const PayloadFile& f : files) {
        if (f.name.empty() || f.name.find('/') != std::string::npos ||
            std::find(names.begin(), names.end(), f.name) != names.end()) {
            throw std::invalid_argument("payload file name \"" + f.name +
                                        "\" is empty, not a plain name, or given twice");
        }
        names.push_back(f.name);
        std::ifstream in(f.host, std::ios::binary);
        std::ostringstream content;
        content << in.rdbuf();
        if (!in) {
            throw std::runtime_error("cannot read " + f.host.string() + " for the guest");
        }
        payload.add_file("aie4sim/files/" + f.name, content.str(), 0644);
    }
    fs::copy_file(initramfs, out, fs::copy_options::overwrite_existing);
    const auto size = fs::file_size(out);
    std::vector<std::uint8_t> padding((4 - size % 4) % 4, 0); // archives start 4-byte aligned
    write_file(out, padding, true);
    write_file(out, payload.finish(), true);
}

int run_guest(const GuestOptions& o) {
    check_artifacts(o.artifacts);
    check_carveout(o.carveout);
    fs::path run = o.run_dir;
    if (run.empty()) {
        std::string templ = (fs::temp_directory_path() / "aie4sim-guest-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) {
            throw std::runtime_error("cannot create a run folder in " +
                                     fs::temp_directory_path().string());
        }
        run = templ;
    } else {
        fs::create_directories(run);
    }
    // A folder of our own making goes on every exit path, a failed start included; a failed
    // run keeps its model log (said below), and a folder the caller named stays.
    RunFolder own{run, o.run_dir.empty() && !o.keep_run_dir};
    const fs::path socket = run / "model.sock";
    const fs::path model_log = o.model_log.empty() ? run / "model.log" : o.model_log;
    std::ofstream(model_log, std::ios::trunc).close();
    const fs::path initrd = run / "initrd.img";
    make_guest_initrd(o.artifacts.initramfs, o.script, initrd, o.files);

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_signal);

    const fs::path model_exe =
        o.model_executable.empty() ? build_directory() / "apps" / "aie4sim" : o.model_executable;
    bp::child model(model_exe.string(), bp::args(model_arguments(o, socket, model_log)),
                    bp::std_in.close(), bp::std_out > (run / "model.out").string(),
                    bp::std_err > (run / "model.out").string(),
                    bp::extend::on_exec_setup = DieWithParent{});
    // QEMU connects when the model listens: wait for its socket.
    const auto listen_deadline = Clock::now() + std::chrono::seconds(60);
    while (!fs::exists(socket) && model.running() && Clock::now() < listen_deadline &&
           g_signal == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!model.running() || !fs::exists(socket)) {
        stop_child(model);
        say(std::string("the model failed to start: it ") +
            (model.running() ? "did not listen within 60 s"
                             : describe_exit(model.native_exit_code())));
        std::cerr << tail_of(run / "model.out", 20) << tail_of(model_log, 20);
        return kExitInfrastructure;
    }

    bp::ipstream console;
    bp::child qemu(o.artifacts.qemu.string(), bp::args(qemu_arguments(o, socket, initrd)),
                   bp::std_in.close(), (bp::std_out & bp::std_err) > console,
                   bp::extend::on_exec_setup = DieWithParent{});
    std::mutex lines_mutex;
    std::deque<std::string> qemu_errors;
    std::atomic<int> guest_status{-1};
    std::thread reader([&] {
        std::string line;
        const std::string marker = "AIE4SIM-EXIT-STATUS: ";
        while (std::getline(console, line)) {
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (o.echo_console) {
                std::cout << line << '\n' << std::flush;
            }
            if (o.on_console_line) {
                o.on_console_line(line);
            }
            if (const auto at = line.find(marker); at != std::string::npos) {
                guest_status = std::atoi(line.c_str() + at + marker.size());
            }
            if (line.rfind("qemu-system", 0) == 0 || line.find("aie4sim:") != std::string::npos) {
                std::lock_guard<std::mutex> lock(lines_mutex);
                qemu_errors.push_back(line);
                if (qemu_errors.size() > 8) {
                    qemu_errors.pop_front();
                }
            }
        }
    });

    const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
    int status = kExitInfrastructure;
    for (;;) {
        if (g_signal != 0) {
            say("interrupted (signal " + std::to_string(g_signal.load()) +
                "): stopping QEMU and the model");
            stop_child(qemu);
            stop_child(model);
            status = kExitInterrupted;
            break;
        }
        const bool qemu_alive = qemu.running();
        const bool model_alive = model.running();
        if (!model_alive && qemu_alive) {
            // The model went first. QEMU notices and exits by itself; give it a moment.
            const auto grace = Clock::now() + std::chrono::seconds(10);
            while (qemu.running() && Clock::now() < grace) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (!qemu.running() && (!abnormal(model.native_exit_code()) ||
                                    model_lost_qemu(model.native_exit_code()))) {
                // A clean model exit follows QEMU's goodbye, and a lost peer follows QEMU's
                // end: QEMU went first, or was finishing its own exit. Decided below.
                continue;
            }
            stop_child(qemu);
            if (model_lost_qemu(model.native_exit_code())) {
                say("QEMU dropped its connection to the model while the guest was running "
                    "(the model " +
                    describe_exit(model.native_exit_code()) + ": it lost its peer)");
                status = kExitInfrastructure;
                break;
            }
            say("the model process " + describe_exit(model.native_exit_code()) +
                " while the guest was running; QEMU " + describe_exit(qemu.native_exit_code()));
            std::cerr << "  end of the model's log (" << model_log.string() << "):\n"
                      << tail_of(model_log, 12);
            status = kExitInfrastructure;
            break;
        }
        if (!qemu_alive) {
            const auto grace = Clock::now() + std::chrono::seconds(10);
            while (model.running() && Clock::now() < grace) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            stop_child(model);
            reader.join();
            const int qemu_exit = qemu.native_exit_code();
            if (guest_status >= 0) {
                status = guest_status;
                if (abnormal(model.native_exit_code()) &&
                    !model_lost_qemu(model.native_exit_code())) {
                    say("note: the model " + describe_exit(model.native_exit_code()) +
                        " after the guest finished");
                }
            } else {
                // Both may be gone by now. A model that lost its peer did not fail: QEMU ended
                // first. Any other abnormal end of the model is the cause.
                if (model_lost_qemu(model.native_exit_code())) {
                    say("QEMU " + describe_exit(qemu_exit) +
                        " while the guest was running (it ended first: the model then lost "
                        "its connection)");
                } else if (abnormal(model.native_exit_code())) {
                    say("the model process " + describe_exit(model.native_exit_code()) +
                        " while the guest was running; QEMU " + describe_exit(qemu_exit));
                } else {
                    say("QEMU " + describe_exit(qemu_exit) +
                        " before the guest reported the status of its commands");
                }
                {
                    std::lock_guard<std::mutex> lock(lines_mutex);
                    for (const auto& l : qemu_errors) {
                        std::cerr << "    " << l << "\n";
                    }
                }
                std::cerr << "  end of the model's log (" << model_log.string() << "):\n"
                          << tail_of(model_log, 12);
                status = kExitInfrastructure;
            }
            break;
        }
        if (Clock::now() > deadline) {
            say("the guest did not finish within " + std::to_string(o.timeout_s) +
                " s: stopping QEMU and the model");
            stop_child(qemu);
            stop_child(model);
            status = kExitTimeout;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (reader.joinable()) {
        console.pipe().close();
        reader.join();
    }
    if (own.remove && o.model_log.empty() && status != 0) {
        own.remove = false;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(run, ec)) {
            if (entry.path() != model_log) {
                fs::remove_all(entry.path(), ec);
            }
        }
        say("model log kept at " + model_log.string());
    }
    return status;
}

unsigned vcpus_for_vfs(unsigned vfs) {
    constexpr unsigned kVectorsPerVf = 2;
    constexpr unsigned kVectorsPerCpu = 150;
    return std::max(1u, (vfs * kVectorsPerVf + kVectorsPerCpu - 1) / kVectorsPerCpu);
}

std::vector<std::string> headless_guest_arguments(const std::string& machine, unsigned memory_mb,
                                                  unsigned cpus, const fs::path& kernel,
                                                  const fs::path& initrd,
                                                  const std::string& append) {
    return {"-M",
            machine,
            "-accel",
            "tcg",
            "-m",
            std::to_string(memory_mb),
            "-smp",
            std::to_string(cpus),
            "-display",
            "none",
            "-vga",
            "none",
            "-serial",
            "stdio",
            "-monitor",
            "none",
            "-nic",
            "none",
            "-no-reboot",
            "-kernel",
            kernel.string(),
            "-initrd",
            initrd.string(),
            "-append",
            append};
}

std::string tail_of(const fs::path& file, std::size_t lines) {
    std::ifstream in(file);
    std::deque<std::string> last;
    std::string line;
    while (std::getline(in, line)) {
        last.push_back(line);
        if (last.size() > lines) {
            last.pop_front();
        }
    }
    std::string out;
    for (const auto& l : last) {
        out += "    " + l + "\n";
    }
    return out;
}

} // namespace aie4sim::apps
