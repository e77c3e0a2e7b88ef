#include "benchmarks/bridge_probe.h"

#include <chrono>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aie4sim::bench {

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d)) {
            if (e->d_name[0] != '.') {
                out.emplace_back(e->d_name);
            }
        }
        ::closedir(d);
    }
    return out;
}

long status_field(const std::string& status, const std::string& key) {
    const auto at = status.find(key + ":");
    return at == std::string::npos ? 0 : std::atol(status.c_str() + at + key.size() + 1);
}

ProcessSample sample_process(pid_t pid) {
    ProcessSample p;
    p.pid = pid;
    const std::string base = "/proc/" + std::to_string(pid) + "/task/";
    for (const std::string& tid : entries(base)) {
        ThreadSample t;
        t.tid = static_cast<pid_t>(std::atol(tid.c_str()));
        std::string comm = read_text(base + tid + "/comm");
        while (!comm.empty() && comm.back() == '\n') {
            comm.pop_back();
        }
        t.name = comm;
        std::istringstream sched(read_text(base + tid + "/schedstat"));
        double run_ns = 0;
        double wait_ns = 0;
        sched >> run_ns >> wait_ns;
        t.run_s = run_ns / 1e9;
        t.wait_s = wait_ns / 1e9;
        const std::string status = read_text(base + tid + "/status");
        t.voluntary = status_field(status, "voluntary_ctxt_switches");
        t.involuntary = status_field(status, "nonvoluntary_ctxt_switches");
        p.threads.push_back(std::move(t));
    }
    return p;
}

// The model's shared region is a memfd named "aie4sim-rings"; the presence blocks are its last
// 2 * A4S_PRESENCE_SIZE bytes (SharedRegion::create), after two rings of 128 + 2^k bytes. A
// protocol 1.0 model has no presence blocks: its region is just the two rings.
bool has_presence(std::size_t size) {
    if (size < std::size_t{2} * A4S_PRESENCE_SIZE) {
        return false;
    }
    const std::size_t rings = size - std::size_t{2} * A4S_PRESENCE_SIZE;
    if (rings % 2 != 0 || rings / 2 <= A4S_RING_DATA_OFFSET) {
        return false;
    }
    const std::size_t data = rings / 2 - A4S_RING_DATA_OFFSET;
    return (data & (data - 1)) == 0;
}

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

double ProcessSample::run_s() const {
    double total = 0;
    for (const ThreadSample& t : threads) {
        total += t.run_s;
    }
    return total;
}

RunProbe::RunProbe(std::string marker) : marker_(std::move(marker)) {}

RunProbe::RunProbe(const std::vector<std::pair<std::string, pid_t>>& processes) {
    for (const auto& [name, pid] : processes) {
        names_.push_back(name);
        pids_.push_back(pid);
    }
}

RunProbe::~RunProbe() {
    if (region_ != nullptr) {
        ::munmap(const_cast<std::uint8_t*>(region_), region_size_);
    }
}

void RunProbe::find_processes() {
    if (marker_.empty() || pids_.size() == 2) {
        return;
    }
    names_.clear();
    pids_.clear();
    for (const std::string& entry : entries("/proc")) {
        if (entry.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::string cmdline = read_text("/proc/" + entry + "/cmdline");
        if (cmdline.find(marker_) == std::string::npos) {
            continue;
        }
        std::vector<std::string> argv;
        std::size_t at = 0;
        while (at < cmdline.size()) {
            const std::size_t end = cmdline.find('\0', at);
            argv.push_back(cmdline.substr(at, end - at));
            at = end == std::string::npos ? cmdline.size() : end + 1;
        }
        const pid_t pid = static_cast<pid_t>(std::atol(entry.c_str()));
        if (argv.size() > 1 && argv[1] == "model") {
            names_.emplace_back("model");
            pids_.push_back(pid);
        } else if (!argv.empty() && argv[0].find("qemu-system") != std::string::npos) {
            names_.emplace_back("qemu");
            pids_.push_back(pid);
        }
    }
}

void RunProbe::map_presence() {
    if (region_ != nullptr) {
        return;
    }
    for (std::size_t i = 0; i < pids_.size(); ++i) {
        if (names_[i] != "model") {
            continue;
        }
        const std::string dir = "/proc/" + std::to_string(pids_[i]) + "/fd/";
        for (const std::string& fd : entries(dir)) {
            char target[256] = {};
            if (::readlink((dir + fd).c_str(), target, sizeof target - 1) <= 0 ||
                std::strstr(target, "memfd:aie4sim-rings") == nullptr) {
                continue;
            }
            const int f = ::open((dir + fd).c_str(), O_RDONLY | O_CLOEXEC);
            struct stat st {};
            if (f < 0 || ::fstat(f, &st) != 0 ||
                !has_presence(static_cast<std::size_t>(st.st_size))) {
                if (f >= 0) {
                    ::close(f);
                }
                continue;
            }
            void* base =
                ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_SHARED, f, 0);
            ::close(f);
            if (base != MAP_FAILED) {
                region_ = static_cast<const std::uint8_t*>(base);
                region_size_ = static_cast<std::size_t>(st.st_size);
                return;
            }
        }
    }
}

Snapshot RunProbe::take() {
    find_processes();
    map_presence();
    Snapshot s;
    s.wall_s = now_s();
    for (pid_t pid : pids_) {
        s.processes.push_back(sample_process(pid));
    }
    if (region_ != nullptr) {
        const std::uint8_t* presence = region_ + region_size_ - std::size_t{2} * A4S_PRESENCE_SIZE;
        a4s_presence q{};
        a4s_presence m{};
        std::memcpy(&q, presence, sizeof q);
        std::memcpy(&m, presence + A4S_PRESENCE_SIZE, sizeof m);
        s.qemu_side = q;
        s.model_side = m;
    }
    return s;
}

std::vector<ThreadDelta> thread_deltas(const Snapshot& before, const Snapshot& after,
                                       const std::vector<std::string>& names) {
    std::vector<ThreadDelta> out;
    for (std::size_t p = 0; p < after.processes.size() && p < before.processes.size(); ++p) {
        for (const ThreadSample& t : after.processes[p].threads) {
            ThreadSample old;
            for (const ThreadSample& b : before.processes[p].threads) {
                if (b.tid == t.tid) {
                    old = b;
                }
            }
            ThreadDelta d;
            d.process = p < names.size() ? names[p] : "?";
            d.name = t.name;
            d.run_s = t.run_s - old.run_s;
            d.wait_s = t.wait_s - old.wait_s;
            d.voluntary = t.voluntary - old.voluntary;
            d.involuntary = t.involuntary - old.involuntary;
            out.push_back(d);
        }
    }
    return out;
}

std::vector<std::pair<std::string, double>>
cpu_percent(const Snapshot& before, const Snapshot& after, const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, double>> out;
    const double wall = after.wall_s - before.wall_s;
    for (std::size_t p = 0; p < after.processes.size() && p < before.processes.size(); ++p) {
        const double cpu = after.processes[p].run_s() - before.processes[p].run_s();
        out.emplace_back(p < names.size() ? names[p] : "?", wall > 0 ? 100.0 * cpu / wall : 0);
    }
    return out;
}

namespace {
template <class T> T field_minus(const T& after, const T& before) {
    static_assert(sizeof(T) % sizeof(std::uint64_t) == 0, "counters only");
    T out{};
    const auto* a = reinterpret_cast<const std::uint64_t*>(&after);
    const auto* b = reinterpret_cast<const std::uint64_t*>(&before);
    auto* o = reinterpret_cast<std::uint64_t*>(&out);
    for (std::size_t i = 0; i < sizeof(T) / sizeof(std::uint64_t); ++i) {
        o[i] = a[i] - b[i];
    }
    return out;
}
} // namespace

a4s_wait_stats minus(const a4s_wait_stats& after, const a4s_wait_stats& before) {
    a4s_wait_stats d = field_minus(after, before);
    // Levels, not counters: the value at the end.
    d.wake_ewma_ns = after.wake_ewma_ns;
    d.spin_budget_ns = after.spin_budget_ns;
    return d;
}

a4s_dma_stats minus(const a4s_dma_stats& after, const a4s_dma_stats& before) {
    return field_minus(after, before);
}

} // namespace aie4sim::bench
