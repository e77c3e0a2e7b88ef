// Waiting on a ring (aie4sim_wait.h): the spin budget and its bounds, no spinning when the peer
// is on this CPU, futex wake-ups within a process and across two processes, and a peer that
// only knows socket kicks.
#include "cosim/protocol/aie4sim_wait.h"
#include "cosim/protocol/shm_region.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace aie4sim::cosim;

namespace {

constexpr std::int64_t kUs = 1000;

void push(SharedRegion& region, a4s_ring_control* ring) {
    std::uint8_t m[16] = {16};
    REQUIRE(a4s_ring_push2(ring, region.ring_size(), m, sizeof m, nullptr, 0) == 0);
}

a4s_waiter waiter_for_model(SharedRegion& region, std::int64_t floor_ns, std::int64_t cap_ns) {
    a4s_waiter w{};
    w.ring = region.to_model();
    w.self = region.model_presence();
    w.peer = region.qemu_presence();
    w.spin_min_ns = floor_ns;
    w.spin_max_ns = cap_ns;
    return w;
}

// Keeps the calling thread on the CPU it runs on, so that sched_getcpu() stays true.
struct PinnedHere {
    cpu_set_t before{};
    PinnedHere() {
        sched_getaffinity(0, sizeof before, &before);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(sched_getcpu(), &one);
        sched_setaffinity(0, sizeof one, &one);
    }
    ~PinnedHere() { sched_setaffinity(0, sizeof before, &before); }
    PinnedHere(const PinnedHere&) = delete;
    PinnedHere& operator=(const PinnedHere&) = delete;
};

} // namespace

TEST_CASE("the spin budget follows the measured wake-up cost within its bounds", "[cosim][wait]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_waiter w = waiter_for_model(*region, 2 * kUs, 100 * kUs);
    CHECK(a4s_spin_budget(&w) == 100 * kUs); // nothing measured yet: the cap
    a4s_learn_wake(&w, 8 * kUs);
    CHECK(a4s_spin_budget(&w) == 8 * kUs); // the first measurement is taken as it is
    CHECK(region->model_presence()->stats.spin_budget_ns == 8 * kUs);
    a4s_learn_wake(&w, 16 * kUs);
    CHECK(a4s_spin_budget(&w) == 9 * kUs); // then an average over about eight
    for (int i = 0; i < 100; ++i) {
        a4s_learn_wake(&w, 500 * kUs);
    }
    CHECK(a4s_spin_budget(&w) == 100 * kUs); // never above the cap
    for (int i = 0; i < 100; ++i) {
        a4s_learn_wake(&w, 100);
    }
    CHECK(a4s_spin_budget(&w) == 2 * kUs); // nor below the floor
    w.spin_max_ns = 0;
    w.spin_min_ns = 0;
    CHECK(a4s_spin_budget(&w) == 0); // a cap of 0: never spin
}

TEST_CASE("a message that arrives while the consumer spins is a spin hit, not a sleep",
          "[cosim][wait]") {
    // The message must come after the spin began. On a loaded host the consumer can lose its
    // CPU for longer than the producer's delay and find the message already there ("ready"),
    // which says nothing of spinning: such a run is repeated, the spin-hit checks are not.
    for (int attempt = 0; attempt < 20; ++attempt) {
        auto region = SharedRegion::create(256u << 10);
        a4s_waiter w = waiter_for_model(*region, 1000000 * kUs, 1000000 * kUs); // a second
        const std::uint32_t not_yet = 0xFFFFFFF0u;
        region->model_presence()->cpu = not_yet;
        std::thread producer([&] {
            while (__atomic_load_n(&region->model_presence()->cpu, __ATOMIC_RELAXED) == not_yet) {
                std::this_thread::yield();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            push(*region, region->to_model());
            a4s_ring_notify(region->to_model(), region->qemu_presence(), 0);
        });
        const bool got = a4s_wait_spin(&w) != 0;
        producer.join();
        const a4s_wait_stats& st = region->model_presence()->stats;
        if (st.ready != 0 || st.spin_skips != 0) {
            continue; // the message or the producer's CPU came first: not this test's case
        }
        CHECK(got);
        CHECK(st.spin_hits == 1);
        CHECK(st.waits == 1);
        CHECK(st.sleeps == 0);
        CHECK(st.spin_ns >= 1000 * kUs); // it spun through most of the producer's 2 ms
        CHECK(region->qemu_presence()->stats.wakes_sent == 0); // nobody slept, nobody was woken
        return;
    }
    FAIL("in 20 attempts the consumer never started spinning before the message came");
}

TEST_CASE("the spin gives up after the learnt budget", "[cosim][wait]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_waiter w = waiter_for_model(*region, 0, 1000000 * kUs); // a cap of a second
    a4s_learn_wake(&w, 1 * kUs);                                // wake-ups look cheap
    const auto start = std::chrono::steady_clock::now();
    CHECK(a4s_wait_spin(&w) == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100));
    CHECK(region->model_presence()->stats.spin_misses == 1);
}

TEST_CASE("a consumer does not spin while its peer last ran on the same CPU", "[cosim][wait]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_waiter w = waiter_for_model(*region, 1000000 * kUs, 1000000 * kUs);
    PinnedHere pinned;
    region->qemu_presence()->cpu = static_cast<std::uint32_t>(sched_getcpu());
    const auto start = std::chrono::steady_clock::now();
    CHECK(a4s_wait_spin(&w) == 0);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(100));
    const a4s_wait_stats& st = region->model_presence()->stats;
    CHECK(st.spin_skips == 1);
    CHECK(st.spin_ns == 0);
    CHECK(region->model_presence()->cpu == region->qemu_presence()->cpu);
}

namespace {

void pin_to(int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
}

// The consumer (this thread, on `consumer_cpu`) sleeps on the futex; a producer thread on
// `producer_cpu` pushes a message 5 ms later and wakes it. Returns the consumer's statistics.
a4s_wait_stats sleep_and_wake(int consumer_cpu, int producer_cpu) {
    auto region = SharedRegion::create(256u << 10);
    a4s_waiter w = waiter_for_model(*region, 0, 0); // no spinning: straight to the futex
    cpu_set_t before{};
    sched_getaffinity(0, sizeof before, &before);
    pin_to(consumer_cpu);
    std::atomic<bool> asleep{false};
    std::thread producer([&] {
        pin_to(producer_cpu);
        while (__atomic_load_n(&region->to_model()->consumer_sleeping, __ATOMIC_SEQ_CST) !=
               A4S_SLEEP_FUTEX) {
            std::this_thread::yield();
        }
        asleep = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        push(*region, region->to_model());
        CHECK(a4s_ring_notify(region->to_model(), region->qemu_presence(), 0) == 0); // no KICK
    });
    CHECK(a4s_wait_spin(&w) == 0);
    const bool got = a4s_wait_futex(&w, 10LL * 1000 * 1000 * kUs) != 0;
    producer.join();
    sched_setaffinity(0, sizeof before, &before);
    CHECK(asleep);
    CHECK(got);
    CHECK(region->qemu_presence()->stats.wakes_sent == 1);
    CHECK(region->to_model()->consumer_sleeping == A4S_AWAKE);
    return region->model_presence()->stats;
}

} // namespace

TEST_CASE("a futex sleeper woken from another CPU learns what the wake-up cost", "[cosim][wait]") {
    REQUIRE(sysconf(_SC_NPROCESSORS_ONLN) >= 2); // the project's machines have two
    const a4s_wait_stats st = sleep_and_wake(0, 1);
    CHECK(st.sleeps == 1);
    CHECK(st.sleep_ns >= 4000 * kUs);
    CHECK(st.wake_ewma_ns > 0);
    CHECK(st.wake_ewma_ns < st.sleep_ns);
}

TEST_CASE("a wake-up from the sleeper's own CPU is not learnt", "[cosim][wait]") {
    const a4s_wait_stats st = sleep_and_wake(0, 0);
    CHECK(st.sleeps == 1);
    CHECK(st.wake_ewma_ns == 0); // it says nothing of waking a side that spins elsewhere
}

TEST_CASE("a futex sleep times out when nothing comes, and reports no message", "[cosim][wait]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_waiter w = waiter_for_model(*region, 0, 0);
    const auto start = std::chrono::steady_clock::now();
    CHECK(a4s_wait_futex(&w, 20LL * 1000 * kUs) == 0);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(15));
    CHECK(region->model_presence()->stats.sleeps == 0);
    CHECK(region->to_model()->consumer_sleeping == A4S_AWAKE);
}

TEST_CASE("the futex wakes a consumer in another process through the shared region",
          "[cosim][wait]") {
    auto region = SharedRegion::create(256u << 10);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The consumer: sleeps until the parent's message, then exits 0 (1 if none came).
        a4s_waiter w = waiter_for_model(*region, 0, 0);
        const bool got = a4s_wait_futex(&w, 10LL * 1000 * 1000 * kUs) != 0;
        _exit(got && region->model_presence()->stats.sleeps == 1 ? 0 : 1);
    }
    while (__atomic_load_n(&region->to_model()->consumer_sleeping, __ATOMIC_SEQ_CST) !=
           A4S_SLEEP_FUTEX) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5)); // well inside FUTEX_WAIT
    push(*region, region->to_model());
    CHECK(a4s_ring_notify(region->to_model(), region->qemu_presence(), 0) == 0);
    int status = -1;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(region->qemu_presence()->stats.wakes_sent == 1);
}
