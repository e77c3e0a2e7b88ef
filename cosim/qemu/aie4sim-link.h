/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device: the link to the SystemC model. The protocol itself
 * (framing, shared-memory rings, the wait loop, HELLO) is aie4sim_client.c,
 * shared with the unit tests; this wrapper adds what is QEMU's: the socket
 * address (qemu/sockets.h), trace events, error reporting and the error state.
 * It knows messages, not PCI: the device gives it a callback for the model's
 * own requests (DMA, MSI-X), which are served whenever QEMU waits for a reply,
 * and from the main loop otherwise.
 *
 * A lost model (closed socket, protocol error, corrupt ring entry, reply
 * time-out, failed send) is reported once with error_report; from then on the
 * link is down and every call completes at once with an error reply, so the
 * device answers like a surprise-removed one (all-ones reads) and QEMU and the
 * guest keep running.
 *
 * Threading: every entry point runs with the BQL held (MMIO and config
 * handlers, the main loop's fd handler, timers), so one thread at a time
 * drives the link. A call holds the BQL for at most reply-timeout-ms.
 */
#ifndef AIE4SIM_LINK_H
#define AIE4SIM_LINK_H

#include "aie4sim_client.h"

typedef struct A4sLink A4sLink;
typedef void (*A4sRequestHandler)(void *opaque, A4sMessage *request);

typedef struct A4sLinkOptions {
    const char *address; /* "PATH", "unix:PATH" or "tcp:HOST:PORT" */
    uint32_t connect_timeout_s;
    uint32_t reply_timeout_ms;
    uint32_t spin_us;     /* spin at most this long for a reply ... */
    uint32_t spin_min_us; /* ... and at least this long */
    uint64_t quantum_ns;  /* announced in HELLO (0: no SYNC) */
    bool offer_guest_ram; /* announce A4S_CAP_GUEST_RAM */
    A4sRequestHandler handler;
    void *opaque;
} A4sLinkOptions;

/*
 * Connects and says HELLO; maps the rings if the model offers them. NULL and
 * *errp set on failure.
 */
A4sLink *a4s_link_open(const A4sLinkOptions *options, Error **errp);
void a4s_link_close(A4sLink *link, const char *reason);

/*
 * Sends a request and waits for its reply, serving the model's requests
 * meanwhile. The reply belongs to the caller (a4s_message_free). On a lost
 * model, at once an empty reply with status A4S_E_ABORT.
 */
A4sMessage a4s_link_call(A4sLink *link, uint16_t type, uint16_t function,
                         const void *body, uint32_t body_size, const void *data,
                         uint32_t data_size);
/* Sends a posted request (no reply); dropped on a lost model. */
void a4s_link_post(A4sLink *link, uint16_t type, uint16_t function,
                   const void *body, uint32_t body_size, const void *data,
                   uint32_t data_size);
/* Replies to one of the model's requests. */
void a4s_link_reply(A4sLink *link, const A4sMessage *request, uint16_t status,
                    const void *data, uint32_t size);
/* Serves whatever the model has sent (the main loop's fd handler does this). */
void a4s_link_drain(A4sLink *link);

/* Sends a posted message on the socket with descriptors attached. */
void a4s_link_post_descriptors(A4sLink *link, uint16_t type, const void *body,
                               uint32_t body_size, const int *fds,
                               unsigned count);

/* Whether the model is lost: the device then behaves as if removed. */
bool a4s_link_down(A4sLink *link);
int a4s_link_fd(A4sLink *link);
uint64_t a4s_link_peer_capabilities(A4sLink *link);
/* This side's presence block (statistics), in the shared region or local. */
struct a4s_presence *a4s_link_presence(A4sLink *link);
bool a4s_link_shared_memory(A4sLink *link);
const char *a4s_link_peer_name(A4sLink *link);

#endif
