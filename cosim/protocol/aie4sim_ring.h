/*
 * Single-producer, single-consumer message rings in shared memory, one per direction, for the
 * hot path between QEMU and the model: a request costs two cache-line hand-offs instead of a
 * socket round trip (about 0.3 us against about 50 us on these machines).
 *
 * A ring is a control block (two cache lines: the producer's tail, the consumer's head and
 * its "sleeping" flag) followed by `ring_size` bytes of data (a power of two). Head and tail
 * count bytes since the start and never wrap; the position is the count modulo ring_size.
 * Messages are stored whole and 8-byte aligned; one that does not fit before the end of the
 * data area is preceded by a padding marker and starts again at offset 0.
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

#define A4S_RING_PAD 0xFFFFFFFFu
#define A4S_RING_ALIGN 8u
#define A4S_RING_DATA_OFFSET 128u

struct a4s_ring_control {
    uint64_t tail; /* written by the producer */
    uint8_t producer_pad[56];
    uint64_t head;              /* written by the consumer */
    uint32_t consumer_sleeping; /* A4S_AWAKE, A4S_SLEEP_SOCKET or A4S_SLEEP_FUTEX */
    uint32_t waker_cpu;         /* the CPU the producer woke the consumer from */
    uint64_t wake_ns;           /* the producer's clock when it last woke the consumer */
    uint8_t consumer_pad[40];
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

static inline void a4s_ring_init(struct a4s_ring_control* c) {
    memset(c, 0, sizeof(*c));
}

/*
 * Producer: appends one message made of two parts (e.g. header and payload).
 * Returns 0 when stored, 1 when there is no room now (retry after the consumer advances),
 * -1 when the message can never fit (larger than half the ring).
 */
static inline int a4s_ring_push2(struct a4s_ring_control* c, uint32_t ring_size, const void* part1,
                                 uint32_t len1, const void* part2, uint32_t len2) {
    uint8_t* data = a4s_ring_data(c);
    const uint32_t len = len1 + len2;
    const uint32_t need = a4s_ring_round(len);
    const uint64_t tail = c->tail; /* only this producer writes it */
    const uint64_t head = __atomic_load_n(&c->head, __ATOMIC_ACQUIRE);
    const uint32_t pos = (uint32_t)(tail & (ring_size - 1u));
    const uint32_t to_end = ring_size - pos;
    uint32_t total = need;

    if (len < 4u || need > ring_size / 2u) {
        return -1;
    }
    if (need > to_end) {
        total += to_end; /* padding up to the end, then the message at offset 0 */
    }
    if (tail + total - head > ring_size) {
        return 1;
    }
    if (need > to_end) {
        const uint32_t pad = A4S_RING_PAD;
        memcpy(data + pos, &pad, sizeof(pad));
        memcpy(data, part1, len1);
        if (len2) {
            memcpy(data + len1, part2, len2);
        }
    } else {
        memcpy(data + pos, part1, len1);
        if (len2) {
            memcpy(data + pos + len1, part2, len2);
        }
    }
    __atomic_store_n(&c->tail, tail + total, __ATOMIC_RELEASE);
    return 0;
}

/*
 * Consumer: the next message, or NULL when the ring is empty. `*len` receives the message
 * size read from its first word (the header's `size`); the caller validates it, because the
 * peer writes this memory. `*available` receives the contiguous bytes readable at the message.
 */
static inline const uint8_t* a4s_ring_peek(struct a4s_ring_control* c, uint32_t ring_size,
                                           uint32_t* len, uint32_t* available) {
    uint8_t* data = a4s_ring_data(c);
    uint64_t head = c->head; /* only this consumer writes it */
    const uint64_t tail = __atomic_load_n(&c->tail, __ATOMIC_ACQUIRE);
    uint32_t pos, first;

    if (head == tail) {
        return NULL;
    }
    pos = (uint32_t)(head & (ring_size - 1u));
    memcpy(&first, data + pos, sizeof(first));
    if (first == A4S_RING_PAD) {
        head += ring_size - pos;
        __atomic_store_n(&c->head, head, __ATOMIC_RELEASE);
        if (head == tail) {
            return NULL;
        }
        pos = 0;
        memcpy(&first, data, sizeof(first));
    }
    *len = first;
    *available =
        (uint32_t)((tail - head) < (uint64_t)(ring_size - pos) ? (tail - head) : (ring_size - pos));
    return data + pos;
}

/* Consumer: frees the message returned by the last peek. */
static inline void a4s_ring_release(struct a4s_ring_control* c, uint32_t len) {
    __atomic_store_n(&c->head, c->head + a4s_ring_round(len), __ATOMIC_RELEASE);
}

static inline int a4s_ring_empty(struct a4s_ring_control* c) {
    return __atomic_load_n(&c->head, __ATOMIC_SEQ_CST) ==
           __atomic_load_n(&c->tail, __ATOMIC_SEQ_CST);
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
