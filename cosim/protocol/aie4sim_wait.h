/*
 * Waiting for the peer's next message on a shared-memory ring, shared by the QEMU device (C)
 * and the model (C++). docs/bridge-performance.md has the measurements behind every choice.
 *
 * A consumer that finds its ring empty
 *   1. does not spin at all when the peer it waits for last ran on this very CPU: the peer
 *      cannot run while this side spins there (a `taskset` to one core, a busy host), so the
 *      only useful thing to do is to get out of its way;
 *   2. else spins, for a time (never a count of iterations: what one `pause` costs differs
 *      tenfold between CPU generations): for what a wake-up costs on this host, as this side
 *      has measured it (ski rental: spinning as long as the alternative costs is never worse
 *      than twice the best choice made in hindsight), within the tunable floor and cap. The cap
 *      bounds what a spin takes from others when wake-ups are slow because CPUs are scarce;
 *   3. then sleeps on a futex on the ring's sleeping flag. The region is a MAP_SHARED memfd, so
 *      a (non-private) futex works across the two processes: a producer that sees the flag
 *      wakes it with one system call, without a socket, a poll loop or QEMU's main loop.
 *
 * A consumer that cannot block on a futex (QEMU's main loop, which waits in its own poll)
 * sets the flag to A4S_SLEEP_SOCKET instead, and the producer sends a KICK on the socket.
 *
 * Each side keeps a presence block in the shared region: the CPU it runs on, its statistics
 * and its wake-up cost estimate, which bridge_bench reads to say which path served each
 * access.
 */
#ifndef AIE4SIM_WAIT_H
#define AIE4SIM_WAIT_H

#include "aie4sim_ring.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* C, shared with QEMU: C names and idioms, outside our C++ lint rules. */
/* NOLINTBEGIN */

/* Values of a4s_ring_control.consumer_sleeping */
#define A4S_AWAKE 0u
#define A4S_SLEEP_SOCKET 1u /* blocked in poll() on the socket: wake it with a KICK */
#define A4S_SLEEP_FUTEX 2u  /* blocked on a futex on this word: FUTEX_WAKE it */
/* The consumer's main loop sleeps on its socket for unsolicited messages, and its other threads
 * make calls: a reply goes to a caller that waits for it awake and gets no KICK; any other
 * message gets one. The flag stays so across calls (a4s_ring_park). */
#define A4S_SLEEP_PARKED 3u

#define A4S_CPU_UNKNOWN 0xFFFFFFFFu

/* A side's statistics, written by that side only (one thread at a time), read by anyone. */
struct a4s_wait_stats {
    uint64_t waits;        /* waits that ended with a message */
    uint64_t ready;        /* ... because it was there at the first look */
    uint64_t spin_hits;    /* ... because it arrived while this side spun */
    uint64_t sleeps;       /* futex sleeps that ended with a wake-up */
    uint64_t spin_skips;   /* waits that did not spin: the peer was on this CPU */
    uint64_t spin_misses;  /* spins that ran out of budget (a sleep followed) */
    uint64_t spin_ns;      /* time spent spinning */
    uint64_t sleep_ns;     /* time spent asleep on the futex */
    uint64_t wakes_sent;   /* futex wake-ups this side gave the peer */
    uint64_t kicks_sent;   /* socket KICKs this side sent the peer */
    uint64_t kick_wakes;   /* KICKs this side woke up for (QEMU's main loop) */
    uint64_t kick_wake_ns; /* their summed latency, from the peer's stamp to the handler */
    uint64_t wake_ns;      /* summed latency of the futex wake-ups this side woke from */
    uint64_t wake_ewma_ns; /* the running estimate the spin budget follows */
    uint64_t spin_budget_ns;
    uint64_t moves;           /* times this side moved itself off the peer's CPU */
    uint64_t spread_releases; /* times it stopped keeping apart: its own CPU was busy */
    uint64_t reserved[3];
};

/* DMA statistics: the model counts the device's DMA, QEMU what it served of it. */
struct a4s_dma_stats {
    uint64_t requests;      /* DMA requests (the model: of the device; QEMU: served) */
    uint64_t direct_bytes;  /* copied straight into or out of shared guest RAM */
    uint64_t message_bytes; /* carried by DMA_READ/DMA_WRITE messages */
    uint64_t maps;          /* DMA_MAP translations */
    uint64_t extents;       /* extents they returned */
    uint64_t busy_ns;       /* the model: time in DMA; QEMU: time translating */
    uint64_t reserved[2];
};

struct a4s_presence {
    uint32_t cpu;    /* CPU this side ran on when it last began to wait, or A4S_CPU_UNKNOWN */
    uint32_t flags;  /* A4S_PRESENCE_* */
    uint32_t thread; /* the thread (Linux TID) that waited then, or 0: the model keeps it and
                        itself on different CPUs (cpu_spread.h) */
    uint8_t pad[52];
    struct a4s_wait_stats stats;
    struct a4s_dma_stats dma;
};

#define A4S_PRESENCE_FUTEX 0x1u /* this side may sleep on a futex (peers wake it so) */

/* Publishes this side's CPU for the peer, which reads it in every turn of its spin: a store of
 * the same value would still take the cache line away from the spinning peer and cost it a
 * miss, so the line is written only when the CPU changed. */
static inline void a4s_publish_cpu(struct a4s_presence* self, uint32_t cpu) {
    if (__atomic_load_n(&self->cpu, __ATOMIC_RELAXED) != cpu) {
        __atomic_store_n(&self->cpu, cpu, __ATOMIC_RELAXED);
    }
}

/* The calling thread's TID, looked up once per thread (a system call). */
static inline uint32_t a4s_current_thread(void) {
    static __thread uint32_t tid;
    if (tid == 0) {
        tid = (uint32_t)syscall(SYS_gettid);
    }
    return tid;
}

/* Publishes the waiting thread, written only when it changed (as the CPU). */
static inline void a4s_publish_thread(struct a4s_presence* self) {
    const uint32_t tid = a4s_current_thread();
    if (__atomic_load_n(&self->thread, __ATOMIC_RELAXED) != tid) {
        __atomic_store_n(&self->thread, tid, __ATOMIC_RELAXED);
    }
}

/* Two presence blocks (QEMU's, then the model's) follow the rings in the region. */
#define A4S_PRESENCE_SIZE 512u

static inline int64_t a4s_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void a4s_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline uint32_t a4s_current_cpu(void) {
    const int cpu = sched_getcpu();
    return cpu < 0 ? A4S_CPU_UNKNOWN : (uint32_t)cpu;
}

static inline void a4s_stat_add(uint64_t* counter, uint64_t n) {
    __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

static inline void a4s_stat_set(uint64_t* counter, uint64_t v) {
    __atomic_store_n(counter, v, __ATOMIC_RELAXED);
}

/* A shared (not private) futex: the word lives in a MAP_SHARED mapping of both processes. */
static inline long a4s_futex_wait(uint32_t* word, uint32_t expected, int64_t timeout_ns) {
    struct timespec ts;
    ts.tv_sec = (time_t)(timeout_ns / 1000000000);
    ts.tv_nsec = (long)(timeout_ns % 1000000000);
    return syscall(SYS_futex, word, FUTEX_WAIT, expected, &ts, NULL, 0);
}

static inline void a4s_futex_wake(uint32_t* word) {
    syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* What a waiting consumer knows: its ring, its own and its peer's presence, and its limits. */
struct a4s_waiter {
    struct a4s_ring_control* ring; /* inbound */
    uint32_t ring_size;            /* its data area: a spin watches the word at head there */
    struct a4s_presence* self;
    const struct a4s_presence* peer;
    int64_t spin_min_ns; /* the budget never goes below this ... */
    int64_t spin_max_ns; /* ... nor above this (0: never spin) */
    int skipped;         /* the last a4s_wait_spin did not spin: the peer was on this CPU */
};

/* The spin budget: the measured cost of a wake-up, within the tunable bounds. Before the first
 * measurement, the cap. */
static inline int64_t a4s_spin_budget(const struct a4s_waiter* w) {
    int64_t budget = (int64_t)__atomic_load_n(&w->self->stats.wake_ewma_ns, __ATOMIC_RELAXED);
    if (budget == 0 || budget > w->spin_max_ns) {
        budget = w->spin_max_ns;
    }
    if (budget < w->spin_min_ns) {
        budget = w->spin_min_ns;
    }
    return budget;
}

static inline void a4s_learn_wake(struct a4s_waiter* w, int64_t latency_ns) {
    uint64_t* ewma = &w->self->stats.wake_ewma_ns;
    const int64_t old = (int64_t)__atomic_load_n(ewma, __ATOMIC_RELAXED);
    if (latency_ns <= 0) {
        return;
    }
    a4s_stat_add(&w->self->stats.wake_ns, (uint64_t)latency_ns);
    /* An exponentially weighted mean over about the last eight wake-ups. */
    a4s_stat_set(ewma, (uint64_t)(old == 0 ? latency_ns : old + (latency_ns - old) / 8));
    a4s_stat_set(&w->self->stats.spin_budget_ns, (uint64_t)a4s_spin_budget(w));
}

/* Whether a message waits, looked at where it arrives (a4s_ring_has_message). */
static inline int a4s_waiter_has_message(const struct a4s_waiter* w) {
    return a4s_ring_has_message(w->ring, w->ring_size);
}

/*
 * Phase 1: spins until a message is in the ring or the budget is spent. Returns 1 if there is
 * a message. Publishes this side's CPU for the peer.
 */
static inline int a4s_wait_spin(struct a4s_waiter* w) {
    struct a4s_wait_stats* st = &w->self->stats;
    uint32_t cpu = a4s_current_cpu();
    int64_t start, now, budget;

    w->skipped = 0;
    a4s_publish_cpu(w->self, cpu);
    a4s_publish_thread(w->self);
    if (a4s_waiter_has_message(w)) {
        a4s_stat_add(&st->waits, 1);
        a4s_stat_add(&st->ready, 1);
        return 1;
    }
    if (cpu != A4S_CPU_UNKNOWN && cpu == __atomic_load_n(&w->peer->cpu, __ATOMIC_RELAXED)) {
        a4s_stat_add(&st->spin_skips, 1);
        w->skipped = 1;
        return 0;
    }
    budget = a4s_spin_budget(w);
    if (budget <= 0) {
        return 0;
    }
    start = a4s_now_ns();
    do {
        a4s_pause();
        now = a4s_now_ns();
        if (a4s_waiter_has_message(w)) {
            /* The message is in: this side works on it from this CPU now. */
            a4s_publish_cpu(w->self, a4s_current_cpu());
            a4s_stat_add(&st->spin_ns, (uint64_t)(now - start));
            a4s_stat_add(&st->waits, 1);
            a4s_stat_add(&st->spin_hits, 1);
            return 1;
        }
        /* Either side may have been moved meanwhile: never spin on the peer's CPU. */
        cpu = a4s_current_cpu();
        if (cpu != A4S_CPU_UNKNOWN && cpu == __atomic_load_n(&w->peer->cpu, __ATOMIC_RELAXED)) {
            break;
        }
    } while (now - start < budget);
    a4s_stat_add(&st->spin_ns, (uint64_t)(now - start));
    a4s_stat_add(&st->spin_misses, 1);
    return 0;
}

/*
 * Phase 2: sleeps on the futex for at most `timeout_ns`. Returns 1 if there is a message after
 * it, 0 on timeout (the caller then looks at its socket: a peer that died cannot wake it).
 */
static inline int a4s_wait_futex(struct a4s_waiter* w, int64_t timeout_ns) {
    struct a4s_ring_control* c = w->ring;
    struct a4s_wait_stats* st = &w->self->stats;
    int64_t start, woke;
    long r;

    __atomic_store_n(&c->consumer_sleeping, A4S_SLEEP_FUTEX, __ATOMIC_SEQ_CST);
    if (!a4s_ring_empty(c)) {
        __atomic_store_n(&c->consumer_sleeping, A4S_AWAKE, __ATOMIC_SEQ_CST);
        a4s_stat_add(&st->waits, 1);
        return 1;
    }
    start = a4s_now_ns();
    r = a4s_futex_wait(&c->consumer_sleeping, A4S_SLEEP_FUTEX, timeout_ns);
    woke = a4s_now_ns();
    __atomic_store_n(&c->consumer_sleeping, A4S_AWAKE, __ATOMIC_SEQ_CST);
    if (a4s_ring_empty(c)) {
        return 0;
    }
    a4s_publish_cpu(w->self, a4s_current_cpu());
    a4s_stat_add(&st->waits, 1);
    if (r == 0) {
        const int64_t stamp = (int64_t)__atomic_load_n(&c->wake_ns, __ATOMIC_ACQUIRE);
        a4s_stat_add(&st->sleeps, 1);
        a4s_stat_add(&st->sleep_ns, (uint64_t)(woke - start));
        /* Only a wake-up from another CPU is what sleeping costs a side that spins on its own
         * CPU: one from this CPU (the two shared it) is cheaper, and learning it would shrink
         * the budget until the two never leave that CPU. */
        if (stamp >= start &&
            __atomic_load_n(&c->waker_cpu, __ATOMIC_RELAXED) != a4s_current_cpu()) {
            a4s_learn_wake(w, woke - stamp);
        }
    }
    return 1;
}

/*
 * Producer, after pushing a message (`reply`: a reply to the consumer's call): wakes a consumer
 * that sleeps on the futex. Returns 1 when the consumer sleeps on its socket instead, and the
 * caller must send a KICK.
 */
static inline int a4s_ring_notify(struct a4s_ring_control* c, struct a4s_presence* self,
                                  int reply) {
    uint32_t was;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    was = __atomic_load_n(&c->consumer_sleeping, __ATOMIC_SEQ_CST);
    if (was == A4S_AWAKE || (was == A4S_SLEEP_PARKED && reply)) {
        return 0;
    }
    __atomic_store_n(&c->waker_cpu, a4s_current_cpu(), __ATOMIC_RELAXED);
    __atomic_store_n(&c->wake_ns, (uint64_t)a4s_now_ns(), __ATOMIC_RELEASE);
    was = __atomic_exchange_n(&c->consumer_sleeping, A4S_AWAKE, __ATOMIC_SEQ_CST);
    if (was == A4S_SLEEP_FUTEX) {
        a4s_futex_wake(&c->consumer_sleeping);
        if (self) {
            a4s_stat_add(&self->stats.wakes_sent, 1);
        }
        return 0;
    }
    if (was == A4S_SLEEP_SOCKET || was == A4S_SLEEP_PARKED) {
        if (self) {
            a4s_stat_add(&self->stats.kicks_sent, 1);
        }
        return 1;
    }
    return 0;
}

/*
 * The consumer's main loop, done serving, before it blocks on its socket: asks for a KICK for
 * the next unsolicited message, then looks again. Returns 1 if it may block, 0 if a message
 * came meanwhile (serve it, then park again).
 *
 * In the usual case the flag is PARKED already, from the last time, and nothing is written: a
 * write would take the flag's line from the producer, which reads it after every message, and
 * cost this side a cache miss on every call. No ordering is lost by not writing: the producer
 * has seen PARKED since it was stored, so it kicks for any unsolicited message.
 */
static inline int a4s_ring_park(struct a4s_ring_control* c, uint32_t ring_size) {
    if (__atomic_load_n(&c->consumer_sleeping, __ATOMIC_RELAXED) != A4S_SLEEP_PARKED) {
        __atomic_store_n(&c->consumer_sleeping, A4S_SLEEP_PARKED, __ATOMIC_SEQ_CST);
    }
    return __atomic_load_n(a4s_ring_word(c, a4s_ring_head_pos(c, ring_size)), __ATOMIC_SEQ_CST) ==
           0u;
}

/* A socket sleeper (QEMU's main loop) that a KICK woke: how long the wake-up took. */
static inline void a4s_note_kick_wake(struct a4s_ring_control* c, struct a4s_presence* self) {
    const int64_t stamp = (int64_t)__atomic_load_n(&c->wake_ns, __ATOMIC_ACQUIRE);
    const int64_t now = a4s_now_ns();
    if (stamp > 0 && now > stamp && now - stamp < 1000000000) {
        a4s_stat_add(&self->stats.kick_wakes, 1);
        a4s_stat_add(&self->stats.kick_wake_ns, (uint64_t)(now - stamp));
    }
}

/* Wakes a futex sleeper whatever the ring holds: before a GOODBYE, so it looks at its socket. */
static inline void a4s_ring_wake_consumer(struct a4s_ring_control* c) {
    if (__atomic_exchange_n(&c->consumer_sleeping, A4S_AWAKE, __ATOMIC_SEQ_CST) ==
        A4S_SLEEP_FUTEX) {
        a4s_futex_wake(&c->consumer_sleeping);
    }
}

/* NOLINTEND */

#endif /* AIE4SIM_WAIT_H */
