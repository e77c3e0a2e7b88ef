/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * The QEMU end of the co-simulation protocol, in plain C11 + libc: framing, the
 * shared-memory rings, the wait loop and HELLO over a socket the caller connected. QEMU's
 * device (cosim/qemu/aie4sim-link.c) wraps it with QEMU's sockets, trace events, error
 * state and memory API; the unit tests (tests/cosim/c_client_test.cpp) link the very same
 * file against the real model.
 *
 * Errors are returned, never fatal: the first one (a closed socket, a protocol error, a
 * corrupt ring entry, a reply time-out, a failed send) puts the client in a failed state,
 * is handed once to the options' `failed` callback, and every later call returns -1 at once.
 *
 * Not thread-safe: one thread at a time drives a client (in QEMU, whoever holds the BQL).
 */
#ifndef AIE4SIM_CLIENT_H
#define AIE4SIM_CLIENT_H

#include "aie4sim_wait.h"
#include "aie4sim_wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* C, shared with QEMU: C names and idioms, outside our C++ lint rules. */
/* NOLINTBEGIN */

/* Payloads up to this size live in the message itself: a call's reply costs no allocation. */
#define A4S_INLINE_PAYLOAD 64u

/* One message. Copying the struct is fine (no pointer into itself); free it once. */
typedef struct A4sMessage {
    struct a4s_header header;
    uint8_t* heap; /* a payload above A4S_INLINE_PAYLOAD bytes (malloc), else NULL */
    uint8_t small[A4S_INLINE_PAYLOAD];
} A4sMessage;

static inline const uint8_t* a4s_message_payload(const A4sMessage* m) {
    return m->heap ? m->heap : m->small;
}

static inline uint32_t a4s_message_payload_size(const A4sMessage* m) {
    return m->header.size - (uint32_t)sizeof(struct a4s_header);
}

void a4s_message_free(A4sMessage* m);

typedef struct A4sClient A4sClient;

typedef struct A4sClientOptions {
    int64_t reply_timeout_ns; /* a call fails when no reply comes within this */
    int64_t spin_max_ns;      /* spin at most this long for a reply before sleeping ... */
    int64_t spin_min_ns;      /* ... and at least this long (aie4sim_wait.h) */
    /* The model's requests (DMA, MSI-X, NOTICE), served while a call waits and in drain. */
    void (*handler)(void* opaque, A4sMessage* request);
    /* The sender's clock for header.time_ns; NULL leaves it 0 (the model does not need it). */
    uint64_t (*clock_ns)(void* opaque);
    /* A reply nobody waits for (NULL: dropped silently). */
    void (*stray_reply)(void* opaque, const struct a4s_header* reply);
    /* Called once, with the reason, when the client fails. */
    void (*failed)(void* opaque, const char* reason);
    void* opaque;
} A4sClientOptions;

/*
 * Takes over `fd` (a connected stream socket; closed by a4s_client_close). `unix_socket`:
 * whether descriptors can pass, so that shared-memory rings may be offered.
 */
A4sClient* a4s_client_new(int fd, bool unix_socket, const A4sClientOptions* options);

/*
 * Says HELLO (`mine`), checks the answer (`theirs`), maps the rings if the model offers them.
 * 0, or -1 with a4s_client_error() saying why.
 */
int a4s_client_hello(A4sClient* c, const struct a4s_hello* mine, struct a4s_hello* theirs);

/* Sends a goodbye with `reason` (NULL: none), unmaps, closes the socket, frees. */
void a4s_client_close(A4sClient* c, const char* reason);

/*
 * Sends a request and waits for its reply, serving the model's requests meanwhile. 0 with
 * the reply in *reply (free it), or -1 when the client has failed: *reply then holds an
 * empty A4S_E_ABORT reply.
 */
int a4s_client_call(A4sClient* c, uint16_t type, uint16_t function, const void* body,
                    uint32_t body_size, const void* data, uint32_t data_size, A4sMessage* reply);
/* A posted request (no reply). */
int a4s_client_post(A4sClient* c, uint16_t type, uint16_t function, const void* body,
                    uint32_t body_size, const void* data, uint32_t data_size);
/* Replies to one of the model's requests (nothing for a posted one). */
int a4s_client_reply(A4sClient* c, const A4sMessage* request, uint16_t status, const void* data,
                     uint32_t size);
/* A posted message on the socket with descriptors attached (GUEST_RAM). */
int a4s_client_post_descriptors(A4sClient* c, uint16_t type, const void* body, uint32_t body_size,
                                const int* fds, unsigned count);
/* Serves whatever the model has sent (a main loop's fd handler calls this). */
void a4s_client_drain(A4sClient* c);

bool a4s_client_failed(const A4sClient* c);
/* The reason of the failure ("" while none). */
const char* a4s_client_error(const A4sClient* c);
int a4s_client_fd(const A4sClient* c);
uint64_t a4s_client_peer_capabilities(const A4sClient* c);
const char* a4s_client_peer_name(const A4sClient* c);
bool a4s_client_shared_memory(const A4sClient* c);
/* This side's presence block (statistics), in the shared region or local. */
struct a4s_presence* a4s_client_presence(A4sClient* c);

/* NOLINTEND */

#ifdef __cplusplus
}
#endif

#endif
