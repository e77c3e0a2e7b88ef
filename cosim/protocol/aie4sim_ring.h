/*
 * Single-producer, single-consumer message rings in shared memory, one per direction, for the
 * hot path between QEMU and the model: a request costs two cache-line hand-offs instead of a
 * socket round trip (about 0.3 us against about 50 us on these machines).
 *
 * A ring is a control block (two cache lines, below) followed by `ring_size` bytes of data (a power
 * of two). Head and tail count bytes since the start and never wrap; the position is the count
 * modulo ring_size. Messages are stored whole and aligned to a cache line; one that does not fit
 * before the end of the data area is preceded by a padding marker and starts again at offset 0. The
 * producer writes a message's first word (its size, never 0) last, and the consumer zeroes what it
 * has read: a spinning consumer watches the word at head, in the line the message arrives in.
 *
 * Wake-ups (aie4sim_wait.h): a consumer that finds the ring empty may spin, then sets
 * `consumer_sleeping` and blocks, on a futex on that word or on the socket. A producer that
 * sees the flag after publishing clears it and wakes the consumer the way it sleeps. Both
 * sides use sequentially consistent accesses for the flag and the re-check, so a message is
 * never left unnoticed.
 *
 * Shared by the QEMU device (C) and the model (C++): plain C99 with GCC atomics.
 */
#ifndef AIE4SIM_RING_H
#define AIE4SIM_RING_H

#include <stdint.h>
#include <string.h>

/* C, shared with QEMU: C names and idioms, outside our C++ lint rules. */
/* NOLINTBEGIN */

/* The protocol minor version that brought this format (cache-line slots, first word last): the
 * rings are used only when both sides speak it. */
#define A4S_RING_FORMAT_MINOR 2u

#define A4S_RING_PAD 0xFFFFFFFFu
#define A4S_RING_ALIGN 64u /* a cache line: a small message is one line, read with one miss */
#define A4S_RING_DATA_OFFSET 128u

/* Two cache lines. The producer's line holds what the producer reads on every message: its own
 * tail and the consumer's sleeping flag, which only a consumer going to sleep and a producer
 * waking it write. The consumer's line holds head alone, which the consumer writes on every
 * message and the producer reads only when the ring seems full. */
struct a4s_ring_control {
    uint64_t tail;              /* written by the producer */
    uint64_t head_seen;         /* the producer's last look at head (written by the producer) */
    uint32_t consumer_sleeping; /* A4S_AWAKE, A4S_SLEEP_SOCKET or A4S_SLEEP_FUTEX */
    uint32_t waker_cpu;         /* the CPU the producer woke the consumer from */
    uint64_t wake_ns;           /* the producer's clock when it last woke the consumer */
    uint8_t producer_pad[32];
    uint64_t head; /* written by the consumer */
    uint8_t consumer_pad[56];
};

#ifdef __cplusplus
static_assert(sizeof(struct a4s_ring_control) == A4S_RING_DATA_OFFSET, "a4s_ring_control layout");
#else
_Static_assert(sizeof(struct a4s_ring_control) == A4S_RING_DATA_OFFSET, "a4s_ring_control layout");
#endif

static inline uint8_t* a4s_ring_data(struct a4s_ring_control* c) {
    return (uint8_t*)c + A4S_RING_DATA_OFFSET;
}

static inline uint32_t a4s_ring_round(uint32_t len) {
    return (len + A4S_RING_ALIGN - 1u) & ~(A4S_RING_ALIGN - 1u);
}

/* Where the consumer reads next. Masked to the alignment, so that a head that the peer
 * scribbled over still points at a whole, aligned word inside the data area. */
static inline uint32_t a4s_ring_head_pos(const struct a4s_ring_control* c, uint32_t ring_size) {
    return (uint32_t)(c->head & (ring_size - 1u)) & ~(A4S_RING_ALIGN - 1u);
}

/* The word at `pos`, a multiple of A4S_RING_ALIGN: through void*, because the data area is
 * bytes to the compiler but every slot starts on a cache line. */
static inline uint32_t* a4s_ring_word(struct a4s_ring_control* c, uint32_t pos) {
    return (uint32_t*)(void*)(a4s_ring_data(c) + pos);
}

static inline uint32_t a4s_ring_word_at(struct a4s_ring_control* c, uint32_t pos) {
    return __atomic_load_n(a4s_ring_word(c, pos), __ATOMIC_ACQUIRE);
}

static inline void a4s_ring_init(struct a4s_ring_control* c) {
    memset(c, 0, sizeof(*c));
}

/* Copies a message made of two parts to `dst`, all but its first word. */
static inline void a4s_ring_copy_body(uint8_t* dst, const void* part1, uint32_t len1,
                                      const void* part2, uint32_t len2) {
    const uint8_t* p1 = (const uint8_t*)part1;
    const uint8_t* p2 = (const uint8_t*)part2;
    uint32_t skip2;

    if (len1 > 4u) {
        memcpy(dst + 4, p1 + 4, len1 - 4u);
    }
    skip2 = len1 >= 4u ? 0u : 4u - len1;
    if (len2 > skip2) {
        memcpy(dst + len1 + skip2, p2 + skip2, len2 - skip2);
    }
}

static inline uint32_t a4s_ring_first_word(const void* part1, uint32_t len1, const void* part2) {
    uint8_t w[4];
    uint32_t i, first;

    for (i = 0; i < 4u; ++i) {
        w[i] = i < len1 ? ((const uint8_t*)part1)[i] : ((const uint8_t*)part2)[i - len1];
    }
    memcpy(&first, w, sizeof(first));
    return first;
}

/*
 * Producer: appends one message made of two parts (e.g. header and payload). Its first word
 * (the header's size) must be neither 0 nor A4S_RING_PAD.
 * Returns 0 when stored, 1 when there is no room now (retry after the consumer advances),
 * -1 when the message can never be stored (larger than half the ring, or a bad first word).
 */
static inline int a4s_ring_push2(struct a4s_ring_control* c, uint32_t ring_size, const void* part1,
                                 uint32_t len1, const void* part2, uint32_t len2) {
    uint8_t* data = a4s_ring_data(c);
    const uint32_t len = len1 + len2;
    const uint32_t need = a4s_ring_round(len);
    const uint64_t tail = c->tail; /* only this producer writes it */
    uint64_t head = c->head_seen;
    const uint32_t pos = (uint32_t)(tail & (ring_size - 1u));
    const uint32_t to_end = ring_size - pos;
    uint32_t total = need;
    uint32_t first, at;

    if (len < 4u || need > ring_size / 2u) {
        return -1;
    }
    first = a4s_ring_first_word(part1, len1, part2);
    if (first == 0u || first == A4S_RING_PAD) {
        return -1;
    }
    if (need > to_end) {
        total += to_end; /* padding up to the end, then the message at offset 0 */
    }
    /* The consumer's line holds head, and the consumer wrote it when it took the last message:
     * reading it on every push costs a cache miss before the message can be published. Head
     * only grows, so the last value seen is a safe lower bound; look again only when the ring
     * seems full by it. */
    if (tail + total - head > ring_size) {
        head = __atomic_load_n(&c->head, __ATOMIC_ACQUIRE);
        c->head_seen = head;
        if (tail + total - head > ring_size) {
            return 1;
        }
    }
    /* The first word goes in last, with release: the consumer spins on that word, in the
     * message's own cache line, and finds the whole message once it is there. */
    at = need > to_end ? 0u : pos;
    a4s_ring_copy_body(data + at, part1, len1, part2, len2);
    __atomic_store_n(a4s_ring_word(c, at), first, __ATOMIC_RELEASE);
    if (need > to_end) {
        __atomic_store_n(a4s_ring_word(c, pos), A4S_RING_PAD, __ATOMIC_RELEASE);
    }
    /* tail is for the producer's own count and for a consumer about to sleep
     * (a4s_ring_empty, whose sequentially consistent check pairs with a4s_ring_notify). */
    __atomic_store_n(&c->tail, tail + total, __ATOMIC_RELEASE);
    return 0;
}

/*
 * Consumer: the next message, or NULL when the ring is empty. `*len` receives the message
 * size read from its first word (the header's `size`); the caller validates it against
 * `*available`, the bytes from the message to the end of the data area, because the peer
 * writes this memory. A message is there when its first word is not zero: the consumer
 * zeroes what it releases.
 */
static inline const uint8_t* a4s_ring_peek(struct a4s_ring_control* c, uint32_t ring_size,
                                           uint32_t* len, uint32_t* available) {
    uint32_t pos = a4s_ring_head_pos(c, ring_size);
    uint32_t first = a4s_ring_word_at(c, pos);

    if (first == 0u) {
        return NULL;
    }
    if (first == A4S_RING_PAD) {
        __atomic_store_n(a4s_ring_word(c, pos), 0u, __ATOMIC_RELAXED);
        __atomic_store_n(&c->head, c->head + (ring_size - pos), __ATOMIC_RELEASE);
        pos = 0;
        first = a4s_ring_word_at(c, 0);
        if (first == 0u) {
            return NULL;
        }
    }
    *len = first;
    *available = ring_size - pos;
    return a4s_ring_data(c) + pos;
}

/* Consumer: frees the message returned by the last peek (of `len` bytes, as validated):
 * zeroes it, so that no word of it looks like a message to the next lap, then moves head. */
static inline void a4s_ring_release(struct a4s_ring_control* c, uint32_t ring_size, uint32_t len) {
    const uint32_t pos = a4s_ring_head_pos(c, ring_size);
    uint32_t n = a4s_ring_round(len);

    if (n > ring_size - pos) {
        n = ring_size - pos;
    }
    memset(a4s_ring_data(c) + pos, 0, n);
    __atomic_store_n(&c->head, c->head + n, __ATOMIC_RELEASE);
}

/* Whether a message (or the padding before one) waits, by the producer's tail: the check a
 * consumer about to sleep makes, sequentially consistent with a4s_ring_notify. */
static inline int a4s_ring_empty(struct a4s_ring_control* c) {
    return __atomic_load_n(&c->head, __ATOMIC_SEQ_CST) ==
           __atomic_load_n(&c->tail, __ATOMIC_SEQ_CST);
}

/* Whether a message waits, by the word at head: the check a spinning consumer makes. It reads
 * only the line the producer writes the message into, so the message costs one miss, not two
 * (tail's line, then the message's). */
static inline int a4s_ring_has_message(struct a4s_ring_control* c, uint32_t ring_size) {
    return a4s_ring_word_at(c, a4s_ring_head_pos(c, ring_size)) != 0u;
}

/* Consumer, before blocking on the socket: announce it, then re-check. Returns 1 if it may
 * block (a producer then sends a KICK; futex sleepers use aie4sim_wait.h). */
static inline int a4s_ring_prepare_sleep(struct a4s_ring_control* c) {
    __atomic_store_n(&c->consumer_sleeping, 1u, __ATOMIC_SEQ_CST);
    if (!a4s_ring_empty(c)) {
        __atomic_store_n(&c->consumer_sleeping, 0u, __ATOMIC_SEQ_CST);
        return 0;
    }
    return 1;
}

static inline void a4s_ring_awake(struct a4s_ring_control* c) {
    __atomic_store_n(&c->consumer_sleeping, 0u, __ATOMIC_SEQ_CST);
}

/* NOLINTEND */

#endif /* AIE4SIM_RING_H */
