// handoff_bench: what it costs on this host to hand a message to another process and get an
// answer back, by each way the bridge could wait, and where the two processes run.
//
// The bridge's latency is made of these hand-offs (docs/bridge-performance.md). A hand-off
// costs a cache-line transfer when the other side is spinning on another core, and a wake-up
// when it sleeps; what a wake-up costs differs by an order of magnitude between hosts, and so
// does what a `pause` or a system call costs. This program measures them all in one run:
//   primitives  pause, clock_gettime, sched_getcpu, a system call, sched_yield, FUTEX_WAKE
//               with nobody waiting;
//   round trips between two processes (fork) through a MAP_SHARED memfd, or a socketpair:
//     spin    both sides spin on a word (the floor: a cache-line transfer each way)
//     futex   both sides always sleep on a futex (every hand-off is a wake-up)
//     socket  blocking read/write on a UNIX socketpair (what a plain socket bridge pays)
//     bridge  the bridge's own rings and waiter (aie4sim_wait.h: learnt spin, then futex)
//   each on: the scheduler's choice of CPUs; both pinned to one CPU; pinned to two CPUs; the
//   scheduler's choice with a third process burning a CPU;
//   idle: the CPU the bridge's waiter burns in the second after its last message.
// Prints medians, p99s, the CPU time both processes used per round trip, and ratios against
// the spinning floor; writes a JSON report. A slow figure never fails the program.
#include "benchmarks/host_cpu.h"
#include "cosim/protocol/aie4sim_wait.h"
#include "cosim/protocol/shm_region.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sched.h>
#include <string>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

namespace cosim = aie4sim::cosim;
namespace json = boost::json;
namespace po = boost::program_options;

constexpr std::uint32_t kStop = 0xFFFFFFFFu;

std::int64_t now_ns() {
    return a4s_now_ns();
}

std::int64_t cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

double load_1min() {
    double load[1] = {0};
    return getloadavg(load, 1) == 1 ? load[0] : -1;
}

void pin_to(int cpu) {
    if (cpu < 0) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

// ---- primitives ----------------------------------------------------------------------------

template <class F> double ns_per_call(F&& f, int calls) {
    double best = 1e30;
    for (int round = 0; round < 5; ++round) {
        const std::int64_t t0 = now_ns();
        for (int i = 0; i < calls; ++i) {
            f();
        }
        best = std::min(best, static_cast<double>(now_ns() - t0) / calls);
    }
    return best;
}

// ---- the shared page and the ways of waiting -----------------------------------------------

struct Shared {
    alignas(64) std::uint32_t ping;
    alignas(64) std::uint32_t pong;
    alignas(64) std::int64_t child_cpu_ns;
    std::int64_t child_idle_cpu_ns;
};

enum class Method { spin, futex, socket, bridge };

const char* method_name(Method m) {
    switch (m) {
    case Method::spin:
        return "spin";
    case Method::futex:
        return "futex";
    case Method::socket:
        return "socket";
    case Method::bridge:
        return "bridge";
    }
    return "?";
}

// One end of a channel. Messages are 32-bit sequence numbers; kStop ends the child.
struct End {
    Method method;
    Shared* shared;
    int sock = -1;
    cosim::SharedRegion* region = nullptr;
    bool parent = true;
    a4s_waiter waiter{};

    std::uint32_t* out_word() const { return parent ? &shared->ping : &shared->pong; }
    std::uint32_t* in_word() const { return parent ? &shared->pong : &shared->ping; }
    a4s_ring_control* out_ring() const { return parent ? region->to_model() : region->to_qemu(); }
    a4s_ring_control* in_ring() const { return parent ? region->to_qemu() : region->to_model(); }
    a4s_presence* self() const {
        return parent ? region->qemu_presence() : region->model_presence();
    }

    void send(std::uint32_t v) {
        switch (method) {
        case Method::spin:
            __atomic_store_n(out_word(), v, __ATOMIC_RELEASE);
            return;
        case Method::futex:
            __atomic_store_n(out_word(), v, __ATOMIC_RELEASE);
            a4s_futex_wake(out_word());
            return;
        case Method::socket:
            if (::write(sock, &v, sizeof v) != sizeof v) {
                std::perror("handoff_bench: write");
                std::exit(3);
            }
            return;
        case Method::bridge: {
            const std::uint32_t message[4] = {16, v, 0, 0};
            while (a4s_ring_push2(out_ring(), region->ring_size(), message, sizeof message, nullptr,
                                  0) != 0) {
                a4s_pause();
            }
            a4s_ring_notify(out_ring(), self(), 0); // both sides sleep on futexes: never a KICK
            return;
        }
        }
    }

    // Waits for a value other than `previous` and returns it.
    std::uint32_t receive(std::uint32_t previous) {
        switch (method) {
        case Method::spin:
            for (;;) {
                const std::uint32_t v = __atomic_load_n(in_word(), __ATOMIC_ACQUIRE);
                if (v != previous) {
                    return v;
                }
                a4s_pause();
            }
        case Method::futex:
            for (;;) {
                const std::uint32_t v = __atomic_load_n(in_word(), __ATOMIC_ACQUIRE);
                if (v != previous) {
                    return v;
                }
                a4s_futex_wait(in_word(), previous, 1000000000);
            }
        case Method::socket: {
            std::uint32_t v = 0;
            if (::read(sock, &v, sizeof v) != sizeof v) {
                return kStop;
            }
            return v;
        }
        case Method::bridge:
            for (;;) {
                std::uint32_t len = 0;
                std::uint32_t available = 0;
                const std::uint8_t* at =
                    a4s_ring_peek(in_ring(), region->ring_size(), &len, &available);
                if (at != nullptr) {
                    std::uint32_t v = 0;
                    std::memcpy(&v, at + 4, sizeof v);
                    a4s_ring_release(in_ring(), region->ring_size(), len);
                    return v;
                }
                if (a4s_wait_spin(&waiter) == 0) {
                    a4s_wait_futex(&waiter, 1000000000);
                }
            }
        }
        return kStop;
    }
};

struct Placement {
    const char* name;
    int parent_cpu; // -1: the scheduler's choice
    int child_cpu;
    bool hog; // a third process burns a CPU meanwhile
};

struct Cell {
    std::string method;
    std::string placement;
    long round_trips = 0;
    double median_ns = 0;
    double p99_ns = 0;
    double cpu_ns_per_round_trip = 0; // both processes
    double idle_cpu_percent = -1;     // both processes, in the second after the last message
    bool skipped = false;
    std::string note;
};

pid_t start_hog() {
    const pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        volatile std::uint64_t x = 1;
        for (;;) {
            x = x * 6364136223846793005ULL + 1;
        }
    }
    return pid;
}

Cell run_cell(Method method, const Placement& where, long round_trips, double max_seconds,
              bool measure_idle) {
    Cell cell;
    cell.method = method_name(method);
    cell.placement = where.name;
    auto* shared = static_cast<Shared*>(
        mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (shared == MAP_FAILED) {
        cell.skipped = true;
        cell.note = "mmap failed";
        return cell;
    }
    std::memset(shared, 0, sizeof(Shared));
    std::unique_ptr<cosim::SharedRegion> region;
    int socks[2] = {-1, -1};
    if (method == Method::bridge) {
        region = cosim::SharedRegion::create(256u << 10);
        __atomic_fetch_or(&region->qemu_presence()->flags, A4S_PRESENCE_FUTEX, __ATOMIC_SEQ_CST);
        __atomic_fetch_or(&region->model_presence()->flags, A4S_PRESENCE_FUTEX, __ATOMIC_SEQ_CST);
    }
    if (method == Method::socket && ::socketpair(AF_UNIX, SOCK_STREAM, 0, socks) != 0) {
        cell.skipped = true;
        cell.note = "socketpair failed";
        munmap(shared, sizeof(Shared));
        return cell;
    }
    auto make_end = [&](bool parent) {
        End e{method, shared};
        e.parent = parent;
        e.sock = parent ? socks[0] : socks[1];
        e.region = region.get();
        if (region) {
            e.waiter.ring = e.in_ring();
            e.waiter.ring_size = e.region->ring_size();
            e.waiter.self = e.self();
            e.waiter.peer = parent ? region->model_presence() : region->qemu_presence();
            e.waiter.spin_min_ns = 2000; // the bridge's defaults
            e.waiter.spin_max_ns = 200000;
        }
        return e;
    };
    const pid_t hog = where.hog ? start_hog() : -1;
    const pid_t child = fork();
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        pin_to(where.child_cpu);
        End e = make_end(false);
        const std::int64_t c0 = cpu_ns();
        std::uint32_t last = 0;
        for (;;) {
            const std::uint32_t v = e.receive(last);
            if (v == kStop) {
                break;
            }
            last = v;
            e.send(v);
        }
        shared->child_cpu_ns = cpu_ns() - c0;
        // Idle: the same waiter, with nothing coming, for the second the parent measures.
        if (method == Method::bridge || method == Method::spin) {
            const std::int64_t i0 = cpu_ns();
            const std::int64_t until = now_ns() + 1000000000;
            while (now_ns() < until) {
                if (method == Method::spin) {
                    a4s_pause();
                } else if (a4s_wait_spin(&e.waiter) == 0) {
                    a4s_wait_futex(&e.waiter, until - now_ns() > 0 ? until - now_ns() : 1);
                }
            }
            shared->child_idle_cpu_ns = cpu_ns() - i0;
        }
        _exit(0);
    }
    pin_to(where.parent_cpu);
    End e = make_end(true);
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(round_trips));
    const std::int64_t c0 = cpu_ns();
    const std::int64_t give_up = now_ns() + static_cast<std::int64_t>(max_seconds * 1e9);
    std::uint32_t seq = 0;
    for (long i = 0; i < round_trips + 100 && now_ns() < give_up; ++i) {
        ++seq;
        const std::int64_t t0 = now_ns();
        e.send(seq);
        e.receive(seq - 1);
        if (i >= 100) { // the first hundred warm both sides up
            samples.push_back(static_cast<double>(now_ns() - t0));
        }
    }
    const std::int64_t parent_cpu = cpu_ns() - c0;
    e.send(kStop);
    if (method == Method::socket) {
        ::close(socks[0]);
    }
    // Idle: the child waits for nothing during one second; measure what it burns.
    int status = 0;
    waitpid(child, &status, 0);
    if (hog > 0) {
        kill(hog, SIGKILL);
        waitpid(hog, nullptr, 0);
    }
    if (socks[1] >= 0) {
        ::close(socks[1]);
    }
    cpu_set_t all;
    CPU_ZERO(&all);
    for (int c = 0; c < CPU_SETSIZE; ++c) {
        CPU_SET(c, &all);
    }
    sched_setaffinity(0, sizeof all, &all);
    if (!samples.empty()) {
        std::sort(samples.begin(), samples.end());
        cell.round_trips = static_cast<long>(samples.size());
        cell.median_ns = samples[samples.size() / 2];
        cell.p99_ns = samples[samples.size() * 99 / 100];
        cell.cpu_ns_per_round_trip = static_cast<double>(parent_cpu + shared->child_cpu_ns) /
                                     static_cast<double>(samples.size() + 100);
    }
    if (measure_idle && (method == Method::bridge || method == Method::spin)) {
        cell.idle_cpu_percent = static_cast<double>(shared->child_idle_cpu_ns) / 1e9 * 100.0;
    }
    if (cell.round_trips < round_trips) {
        cell.note = "stopped after " + std::to_string(max_seconds) + " s";
    }
    munmap(shared, sizeof(Shared));
    return cell;
}

} // namespace

int main(int argc, char* argv[]) {
    long round_trips = 0;
    double max_seconds = 0;
    std::string json_path;
    std::string methods_arg;
    po::options_description options(
        "handoff_bench: the cost of handing a message to another process and back, by each "
        "way of waiting, on one CPU and on two");
    options.add_options()("help", "show this help")(
        "round-trips", po::value(&round_trips)->default_value(20000), "round trips per case")(
        "max-seconds", po::value(&max_seconds)->default_value(1.5),
        "stop a case after this long (spinning on one CPU takes a time slice per hand-off)")(
        "methods", po::value(&methods_arg)->default_value("spin,futex,socket,bridge"),
        "which ways of waiting, comma-separated")(
        "json", po::value(&json_path)->default_value("handoff_bench.json"), "JSON report path");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "handoff_bench: " << e.what() << "\n" << options;
        return 2;
    }
    if (vm.count("help") != 0U) {
        std::cout << options;
        return 0;
    }
    if (round_trips < 100 || max_seconds <= 0) {
        std::cerr << "handoff_bench: at least 100 round trips and a positive --max-seconds\n";
        return 2;
    }
    std::vector<Method> methods;
    for (Method m : {Method::spin, Method::futex, Method::socket, Method::bridge}) {
        if (("," + methods_arg + ",").find(std::string(",") + method_name(m) + ",") !=
            std::string::npos) {
            methods.push_back(m);
        }
    }

    utsname uts{};
    ::uname(&uts);
    const long nproc = ::sysconf(_SC_NPROCESSORS_ONLN);
    const double load = load_1min();
    std::printf("handoff_bench: %s, %ld CPUs, kernel %s; load %.2f\n",
                aie4sim::bench::cpu_model().c_str(), nproc, uts.release, load);

    // Primitives.
    std::uint32_t word = 0;
    const double pause_ns = ns_per_call([] { a4s_pause(); }, 200000);
    const double clock_ns = ns_per_call([] { (void)a4s_now_ns(); }, 200000);
    const double getcpu_ns = ns_per_call([] { (void)a4s_current_cpu(); }, 200000);
    const double syscall_ns = ns_per_call([] { (void)::syscall(SYS_getppid); }, 50000);
    const double yield_ns = ns_per_call([] { sched_yield(); }, 50000);
    const double wake_ns = ns_per_call([&] { a4s_futex_wake(&word); }, 50000);
    std::printf("\nprimitives (ns per call, best of 5)\n");
    std::printf("  pause %.1f | clock_gettime %.1f | sched_getcpu %.1f | getppid %.1f | "
                "sched_yield %.1f | FUTEX_WAKE, nobody waiting %.1f\n",
                pause_ns, clock_ns, getcpu_ns, syscall_ns, yield_ns, wake_ns);

    std::vector<Placement> placements;
    if (nproc >= 2) {
        placements.push_back({"two-cpus", 0, 1, false});
    }
    placements.push_back({"free", -1, -1, false});
    placements.push_back({"one-cpu", 0, 0, false});
    if (nproc >= 2) {
        placements.push_back({"free+busy-cpu", -1, -1, true});
    }
    std::vector<Cell> cells;
    double floor_ns = 0;
    std::printf("\nround trips between two processes (ns)\n");
    std::printf("  %-8s %-14s %10s %10s %14s %10s %9s  %s\n", "method", "placement", "median",
                "p99", "CPU ns/trip", "x floor", "idle CPU", "note");
    for (Method m : methods) {
        for (const Placement& p : placements) {
            Cell c = run_cell(m, p, round_trips, max_seconds, p.name == std::string("free"));
            if (m == Method::spin && p.name == std::string("two-cpus")) {
                floor_ns = c.median_ns;
            }
            char ratio[32] = "-";
            if (floor_ns > 0 && c.median_ns > 0) {
                std::snprintf(ratio, sizeof ratio, "%.1fx", c.median_ns / floor_ns);
            }
            char idle[32] = "-";
            if (c.idle_cpu_percent >= 0) {
                std::snprintf(idle, sizeof idle, "%.1f%%", c.idle_cpu_percent);
            }
            std::printf("  %-8s %-14s %10.0f %10.0f %14.0f %10s %9s  %s\n", c.method.c_str(),
                        c.placement.c_str(), c.median_ns, c.p99_ns, c.cpu_ns_per_round_trip, ratio,
                        idle, c.note.c_str());
            std::fflush(stdout);
            cells.push_back(c);
        }
    }
    std::printf("  (x floor: the median over spin on two CPUs, a cache-line hand-off each way; "
                "idle CPU: one side's waiter in the second after its last message)\n");

    json::object report;
    report["benchmark"] = "handoff_bench";
    report["host"] = json::object{{"cpu", aie4sim::bench::cpu_model()},
                                  {"nproc", nproc},
                                  {"kernel", uts.release},
                                  {"load_1min_at_start", load},
                                  {"load_1min_at_end", load_1min()}};
    report["primitives_ns"] =
        json::object{{"pause", pause_ns},         {"clock_gettime", clock_ns},
                     {"sched_getcpu", getcpu_ns}, {"syscall_getppid", syscall_ns},
                     {"sched_yield", yield_ns},   {"futex_wake_nobody", wake_ns}};
    json::array rows;
    for (const Cell& c : cells) {
        rows.push_back(json::object{
            {"method", c.method},
            {"placement", c.placement},
            {"round_trips", c.round_trips},
            {"median_ns", c.median_ns},
            {"p99_ns", c.p99_ns},
            {"cpu_ns_per_round_trip", c.cpu_ns_per_round_trip},
            {"over_spin_floor", floor_ns > 0 ? json::value(c.median_ns / floor_ns) : nullptr},
            {"idle_cpu_percent",
             c.idle_cpu_percent >= 0 ? json::value(c.idle_cpu_percent) : nullptr},
            {"note", c.note}});
    }
    report["round_trips"] = std::move(rows);
    std::ofstream out(json_path);
    out << json::serialize(report) << "\n";
    std::printf("\nreport: %s\n", json_path.c_str());
    return out ? 0 : 1;
}
