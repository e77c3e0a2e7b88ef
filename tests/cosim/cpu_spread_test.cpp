// Keeping the model's thread off its peer's CPU (cosim/protocol/cpu_spread.h): the modes, the
// affinity each leaves behind, letting go when the thread's own CPU is busy, the back-off, and
// that nothing outlives the object.
#include "cosim/protocol/cpu_spread.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <sched.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace aie4sim::cosim;

namespace {

cpu_set_t current_affinity() {
    cpu_set_t set;
    CPU_ZERO(&set);
    REQUIRE(sched_getaffinity(0, sizeof set, &set) == 0);
    return set;
}

// Some CPU this thread may run on.
std::uint32_t an_allowed_cpu(const cpu_set_t& set) {
    for (std::uint32_t cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set)) {
            return cpu;
        }
    }
    FAIL("no CPU allowed");
    return 0;
}

} // namespace

TEST_CASE("spread modes are read from their names, the old on/off included") {
    CHECK(parse_spread_mode("apart") == SpreadMode::apart);
    CHECK(parse_spread_mode("on") == SpreadMode::apart);
    CHECK(parse_spread_mode("move") == SpreadMode::move);
    CHECK(parse_spread_mode("off") == SpreadMode::off);
    CHECK(parse_spread_mode("false") == SpreadMode::off);
    CHECK_FALSE(parse_spread_mode("sideways"));
    CHECK(std::string(spread_mode_name(SpreadMode::apart)) == "apart");
}

TEST_CASE("kept apart, the thread stays off the peer's CPU until the object ends") {
    const cpu_set_t before = current_affinity();
    const std::uint32_t peer_cpu = an_allowed_cpu(before);
    const auto now = CpuSpread::Clock::now();
    {
        CpuSpread spread(SpreadMode::apart);
        const bool moved = spread.on_shared_cpu(peer_cpu, now);
        if (CPU_COUNT(&before) < 2) {
            // Nowhere to go: it must not try.
            CHECK_FALSE(moved);
            CHECK_FALSE(spread.apart());
            return;
        }
        REQUIRE(moved);
        CHECK(spread.apart());
        CHECK(spread.moves() == 1);
        const cpu_set_t during = current_affinity();
        CHECK_FALSE(CPU_ISSET(peer_cpu, &during));
        CHECK(CPU_COUNT(&during) == CPU_COUNT(&before) - 1);
        CHECK(sched_getcpu() != static_cast<int>(peer_cpu));
        // Checks with no time passed change nothing.
        spread.check(now);
        CHECK(spread.apart());
    }
    const cpu_set_t after = current_affinity();
    CHECK(CPU_EQUAL(&after, &before));
}

TEST_CASE("moving once gives the thread its whole set back at once") {
    const cpu_set_t before = current_affinity();
    CpuSpread spread(SpreadMode::move);
    const bool moved = spread.on_shared_cpu(an_allowed_cpu(before), CpuSpread::Clock::now());
    CHECK(moved == (CPU_COUNT(&before) >= 2));
    CHECK_FALSE(spread.apart());
    const cpu_set_t after = current_affinity();
    CHECK(CPU_EQUAL(&after, &before));
}

TEST_CASE("off never touches the affinity") {
    const cpu_set_t before = current_affinity();
    CpuSpread spread(SpreadMode::off);
    CHECK_FALSE(spread.on_shared_cpu(an_allowed_cpu(before), CpuSpread::Clock::now()));
    CHECK(spread.moves() == 0);
    const cpu_set_t after = current_affinity();
    CHECK(CPU_EQUAL(&after, &before));
}

TEST_CASE("moves are rate-limited: a peer that follows cannot make every wait a system call") {
    const cpu_set_t before = current_affinity();
    if (CPU_COUNT(&before) < 2) {
        SUCCEED("one CPU allowed: nothing moves (tested above)");
        return;
    }
    SpreadPolicy policy;
    policy.move_interval = std::chrono::milliseconds(5);
    CpuSpread spread(SpreadMode::move, policy);
    const auto t0 = CpuSpread::Clock::now();
    const std::uint32_t cpu = an_allowed_cpu(before);
    CHECK(spread.on_shared_cpu(cpu, t0));
    CHECK_FALSE(spread.on_shared_cpu(cpu, t0 + std::chrono::milliseconds(1)));
    CHECK(spread.on_shared_cpu(cpu, t0 + std::chrono::milliseconds(5)));
    CHECK(spread.moves() == 2);
}

TEST_CASE("a thread that waits for its own CPU lets go, and backs off before keeping apart") {
    const cpu_set_t before = current_affinity();
    if (CPU_COUNT(&before) < 2 || !CpuSpread::run_delay_ns()) {
        SUCCEED("one CPU allowed or no schedstat: nothing to let go of");
        return;
    }
    // A limit below zero: any run delay at all, even none, counts as waiting for the CPU. (How
    // much waiting is too much is policy; what is tested is what happens then.)
    SpreadPolicy policy;
    policy.check_interval = std::chrono::milliseconds(10);
    policy.contention_limit = -1.0;
    policy.back_off = std::chrono::milliseconds(1000);
    CpuSpread spread(SpreadMode::apart, policy);
    const std::uint32_t cpu = an_allowed_cpu(before);
    const auto t0 = CpuSpread::Clock::now();
    REQUIRE(spread.on_shared_cpu(cpu, t0));
    spread.check(t0 + std::chrono::milliseconds(5)); // before the interval: nothing
    CHECK(spread.apart());
    spread.check(t0 + std::chrono::milliseconds(10));
    CHECK_FALSE(spread.apart());
    CHECK(spread.releases() == 1);
    const cpu_set_t freed = current_affinity();
    CHECK(CPU_EQUAL(&freed, &before));
    // Backing off: no keeping apart within the back-off, again after it.
    CHECK_FALSE(spread.on_shared_cpu(cpu, t0 + std::chrono::milliseconds(500)));
    const auto t1 = t0 + std::chrono::milliseconds(1010);
    CHECK(spread.on_shared_cpu(cpu, t1));
    CHECK(spread.apart());
    // Let go again soon after: the back-off doubles.
    spread.check(t1 + std::chrono::milliseconds(10));
    CHECK(spread.releases() == 2);
    const auto t2 = t1 + std::chrono::milliseconds(10);
    CHECK_FALSE(spread.on_shared_cpu(cpu, t2 + std::chrono::milliseconds(1500)));
    CHECK(spread.on_shared_cpu(cpu, t2 + std::chrono::milliseconds(2000)));
}

TEST_CASE("a thread whose CPU stays free stays apart") {
    const cpu_set_t before = current_affinity();
    if (CPU_COUNT(&before) < 2 || !CpuSpread::run_delay_ns()) {
        SUCCEED("one CPU allowed or no schedstat");
        return;
    }
    // A limit above one: a thread cannot wait for a CPU longer than the time that passed.
    SpreadPolicy policy;
    policy.contention_limit = 1.01;
    CpuSpread spread(SpreadMode::apart, policy);
    const auto t0 = CpuSpread::Clock::now();
    REQUIRE(spread.on_shared_cpu(an_allowed_cpu(before), t0));
    for (int i = 1; i <= 5; ++i) {
        spread.check(t0 + i * std::chrono::milliseconds(10));
    }
    CHECK(spread.apart());
    CHECK(spread.releases() == 0);
}

namespace {

// A thread of this process standing in for QEMU's vCPU thread: it says its TID, then waits to
// be told to end.
struct PeerStandIn {
    std::atomic<pid_t> tid{0};
    std::atomic<bool> done{false};
    std::thread thread{[this] {
        tid = static_cast<pid_t>(::syscall(SYS_gettid));
        while (!done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }};
    PeerStandIn() {
        while (tid == 0) {
            std::this_thread::yield();
        }
    }
    ~PeerStandIn() {
        done = true;
        thread.join();
    }
    PeerStandIn(const PeerStandIn&) = delete;
    PeerStandIn& operator=(const PeerStandIn&) = delete;
    [[nodiscard]] cpu_set_t affinity() const {
        cpu_set_t set;
        CPU_ZERO(&set);
        REQUIRE(sched_getaffinity(tid, sizeof set, &set) == 0);
        return set;
    }
};

} // namespace

TEST_CASE("kept apart, the peer's thread is kept off the CPU this thread moved to") {
    const cpu_set_t before = current_affinity();
    if (CPU_COUNT(&before) < 2) {
        SUCCEED("one CPU allowed: nothing moves");
        return;
    }
    PeerStandIn peer;
    const cpu_set_t peer_before = peer.affinity();
    {
        CpuSpread spread(SpreadMode::apart);
        REQUIRE(spread.on_shared_cpu(an_allowed_cpu(before), CpuSpread::Clock::now(),
                                     PeerThread{::getpid(), peer.tid}));
        CHECK(spread.peer_kept());
        const cpu_set_t peer_during = peer.affinity();
        CHECK_FALSE(CPU_ISSET(sched_getcpu(), &peer_during));
        CHECK(CPU_COUNT(&peer_during) == CPU_COUNT(&peer_before) - 1);
    }
    const cpu_set_t peer_after = peer.affinity();
    CHECK(CPU_EQUAL(&peer_after, &peer_before));
}

TEST_CASE("a thread that is not in the peer's process is never touched") {
    const cpu_set_t before = current_affinity();
    if (CPU_COUNT(&before) < 2) {
        SUCCEED("one CPU allowed: nothing moves");
        return;
    }
    PeerStandIn other;
    const cpu_set_t other_before = other.affinity();
    // The right thread number with the wrong process (a PID namespace, a stale number): only
    // this thread moves.
    CpuSpread spread(SpreadMode::apart);
    REQUIRE(spread.on_shared_cpu(an_allowed_cpu(before), CpuSpread::Clock::now(),
                                 PeerThread{::getppid(), other.tid}));
    CHECK(spread.apart());
    CHECK_FALSE(spread.peer_kept());
    const cpu_set_t other_during = other.affinity();
    CHECK(CPU_EQUAL(&other_during, &other_before));
}
