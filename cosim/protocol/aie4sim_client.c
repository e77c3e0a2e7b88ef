/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * The QEMU end of the co-simulation protocol. See aie4sim_client.h and
 * docs/cosim-protocol.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MSG_CMSG_CLOEXEC; QEMU defines it for every file */
#endif

#include "aie4sim_client.h"

#include "aie4sim_ring.h"
#include "aie4sim_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* NOLINTBEGIN: C, shared with QEMU */

struct A4sClient {
    A4sClientOptions options;
    int fd;
    bool unix_socket;
    bool failed;
    char error[256];
    uint8_t* shm;
    size_t shm_size;
    struct a4s_ring_control* to_model;
    struct a4s_ring_control* to_qemu;
    uint32_t ring_size;
    uint8_t* rx; /* socket bytes not yet cut into messages */
    size_t rx_len;
    size_t rx_cap;
    int received_fd; /* a descriptor that came with SHM_OFFER */
    uint32_t next_id;
    unsigned polls;
    char peer_name[33];
    uint64_t peer_capabilities;
    /* Presence blocks: in the region when the model has rings, else local stand-ins. */
    struct a4s_presence local_self;
    struct a4s_presence local_peer;
    struct a4s_presence* self;
    struct a4s_presence* peer;
    struct a4s_waiter waiter;
};

/* A futex sleeper looks at its socket this often: a model that died cannot wake it. */
#define A4S_FUTEX_SLICE_NS 50000000
/* How long the model has to hand over its rings after HELLO. */
#define A4S_OFFER_TIMEOUT_NS 10000000000LL

static void a4s_fail(A4sClient* c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

static void a4s_fail(A4sClient* c, const char* fmt, ...) {
    va_list ap;

    if (c->failed) {
        return;
    }
    c->failed = true;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof(c->error), fmt, ap);
    va_end(ap);
    if (c->options.failed) {
        c->options.failed(c->options.opaque, c->error);
    }
}

void a4s_message_free(A4sMessage* m) {
    free(m->heap);
    m->heap = NULL;
}

bool a4s_client_failed(const A4sClient* c) {
    return c->failed;
}

const char* a4s_client_error(const A4sClient* c) {
    return c->error;
}

int a4s_client_fd(const A4sClient* c) {
    return c->fd;
}

uint64_t a4s_client_peer_capabilities(const A4sClient* c) {
    return c->peer_capabilities;
}

const char* a4s_client_peer_name(const A4sClient* c) {
    return c->peer_name;
}

bool a4s_client_shared_memory(const A4sClient* c) {
    return c->shm != NULL;
}

struct a4s_presence* a4s_client_presence(A4sClient* c) {
    return c->self;
}

/* Fills `out` with `h` and a copy of its payload: inline when small. */
static bool a4s_fill(A4sClient* c, A4sMessage* out, const struct a4s_header* h,
                     const uint8_t* payload) {
    const uint32_t n = h->size - (uint32_t)sizeof(*h);

    out->header = *h;
    out->heap = NULL;
    if (n > A4S_INLINE_PAYLOAD) {
        out->heap = malloc(n);
        if (!out->heap) {
            a4s_fail(c, "out of memory for a message of %u bytes", h->size);
            return false;
        }
        memcpy(out->heap, payload, n);
    } else if (n) {
        memcpy(out->small, payload, n);
    }
    return true;
}

/* ---- checks of what the model sends ------------------------------------------------- */

static const char* a4s_check_header(const struct a4s_header* h) {
    if (h->size < sizeof(*h)) {
        return "message smaller than its header";
    }
    if (h->size - sizeof(*h) > A4S_MAX_PAYLOAD) {
        return "message larger than the protocol allows";
    }
    /* A type above A4S_TYPE_LIMIT is a newer peer's: the handler answers MALFORMED. */
    if (h->type == 0) {
        return "message type 0";
    }
    if (h->flags & ~(A4S_F_REPLY | A4S_F_POSTED)) {
        return "unknown flags";
    }
    return NULL;
}

/* ---- sending -------------------------------------------------------------------------- */

static int a4s_write_all(A4sClient* c, const void* buf, size_t len) {
    const uint8_t* p = buf;

    while (len > 0) {
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
            poll(&pfd, 1, 100);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            a4s_fail(c, "cannot send to the model: %s",
                     n < 0 ? strerror(errno) : "connection closed");
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static bool a4s_next(A4sClient* c, A4sMessage* out);

static void a4s_serve(A4sClient* c, A4sMessage* m) {
    if (m->header.flags & A4S_F_REPLY) {
        if (c->options.stray_reply) {
            c->options.stray_reply(c->options.opaque, &m->header);
        }
        return;
    }
    if (!c->failed) {
        c->options.handler(c->options.opaque, m);
    }
}

static int a4s_send(A4sClient* c, struct a4s_header* h, const void* body, uint32_t body_size,
                    const void* data, uint32_t data_size) {
    uint8_t small[64];
    const void* payload = body;
    uint8_t* joined = NULL;
    const uint32_t payload_size = body_size + data_size;
    int result = 0;

    if (c->failed) {
        return -1;
    }
    h->size = (uint32_t)sizeof(*h) + payload_size;
    h->time_ns = c->options.clock_ns ? c->options.clock_ns(c->options.opaque) : 0;
    if (data_size) {
        joined = payload_size <= sizeof(small) ? small : malloc(payload_size);
        if (!joined) {
            a4s_fail(c, "out of memory for a message of %u bytes", h->size);
            return -1;
        }
        if (body_size) {
            memcpy(joined, body, body_size);
        }
        memcpy(joined + body_size, data, data_size);
        payload = joined;
    }
    if (c->shm && h->type != A4S_GOODBYE) {
        for (;;) {
            int r = a4s_ring_push2(c->to_model, c->ring_size, h, sizeof(*h), payload, payload_size);
            A4sMessage in;

            if (r == 0) {
                break;
            }
            if (r < 0) {
                a4s_fail(c, "a message of %u bytes does not fit the ring", h->size);
                result = -1;
                goto out;
            }
            /* Full: the model may be waiting for us to serve its DMA. */
            if (a4s_next(c, &in)) {
                a4s_serve(c, &in);
                a4s_message_free(&in);
            } else {
                a4s_pause();
            }
            if (c->failed) {
                result = -1;
                goto out;
            }
        }
        if (a4s_ring_notify(c->to_model, c->self, (h->flags & A4S_F_REPLY) != 0)) {
            struct a4s_header kick = {.size = sizeof(kick), .type = A4S_KICK};
            result = a4s_write_all(c, &kick, sizeof(kick));
        }
    } else {
        result = a4s_write_all(c, h, sizeof(*h));
        if (result == 0 && payload_size) {
            result = a4s_write_all(c, payload, payload_size);
        }
    }
out:
    if (joined != small) {
        free(joined);
    }
    return result;
}

/* ---- receiving ------------------------------------------------------------------------ */

static void a4s_read_socket(A4sClient* c) {
    while (!c->failed) {
        struct iovec iov;
        struct msghdr msg = {0};
        char control[CMSG_SPACE(sizeof(int))];
        struct cmsghdr* cm;
        ssize_t n;

        if (c->rx_cap - c->rx_len < 65536) {
            const size_t cap = c->rx_len + 65536 * 2;
            uint8_t* bigger = realloc(c->rx, cap);
            if (!bigger) {
                a4s_fail(c, "out of memory for the socket buffer");
                return;
            }
            c->rx = bigger;
            c->rx_cap = cap;
        }
        iov.iov_base = c->rx + c->rx_len;
        iov.iov_len = c->rx_cap - c->rx_len;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        if (n < 0) {
            a4s_fail(c, "connection to the model failed: %s", strerror(errno));
            return;
        }
        if (n == 0) {
            a4s_fail(c, "the model closed the connection without saying goodbye "
                        "(its process exited or was killed)");
            return;
        }
        for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                if (c->received_fd >= 0) {
                    close(c->received_fd);
                }
                memcpy(&c->received_fd, CMSG_DATA(cm), sizeof(int));
            }
        }
        c->rx_len += (size_t)n;
    }
}

/* The next complete message in the socket buffer; KICKs and GOODBYE handled here. */
static bool a4s_cut_socket(A4sClient* c, A4sMessage* out) {
    while (!c->failed && c->rx_len >= sizeof(struct a4s_header)) {
        struct a4s_header h;
        const char* why;
        bool filled = true;

        memcpy(&h, c->rx, sizeof(h));
        why = a4s_check_header(&h);
        if (why) {
            a4s_fail(c, "protocol error from the model: %s", why);
            return false;
        }
        if (c->rx_len < h.size) {
            return false;
        }
        if (h.type == A4S_GOODBYE) {
            char reason[sizeof(struct a4s_goodbye) + 1] = {0};
            const size_t n = h.size - sizeof(h);
            memcpy(reason, c->rx + sizeof(h), n < sizeof(reason) - 1 ? n : sizeof(reason) - 1);
            a4s_fail(c, "the model said goodbye: %s", reason);
            return false;
        }
        if (h.type != A4S_KICK) {
            filled = a4s_fill(c, out, &h, c->rx + sizeof(h));
        } else if (c->shm) {
            a4s_note_kick_wake(c->to_qemu, c->self);
        }
        memmove(c->rx, c->rx + h.size, c->rx_len - h.size);
        c->rx_len -= h.size;
        if (h.type != A4S_KICK) {
            return filled;
        }
    }
    return false;
}

static bool a4s_take_ring(A4sClient* c, A4sMessage* out) {
    uint32_t len, available;
    const uint8_t* at;
    struct a4s_header h;
    const char* why;
    bool filled;

    if (!c->shm || c->failed) {
        return false;
    }
    at = a4s_ring_peek(c->to_qemu, c->ring_size, &len, &available);
    if (!at) {
        return false;
    }
    if (available < sizeof(h)) {
        a4s_fail(c, "corrupt message in the shared ring: shorter than a header");
        return false;
    }
    memcpy(&h, at, sizeof(h));
    why = a4s_check_header(&h);
    if (why || h.size != len || h.size > available) {
        a4s_fail(c, "corrupt message in the shared ring: %s", why ? why : "bad size");
        return false;
    }
    filled = a4s_fill(c, out, &h, at + sizeof(h));
    a4s_ring_release(c->to_qemu, c->ring_size, h.size);
    return filled;
}

static bool a4s_next(A4sClient* c, A4sMessage* out) {
    if (a4s_take_ring(c, out) || a4s_cut_socket(c, out)) {
        return true;
    }
    /* With rings, the socket only carries wake-ups and goodbyes: look at it now and then. */
    if (!c->shm || (++c->polls & 0xFF) == 0) {
        a4s_read_socket(c);
        return a4s_cut_socket(c, out);
    }
    return false;
}

/* Before returning to guest code: tell the model to kick the main loop for anything new, and
 * serve what arrived in between. */
static void a4s_park(A4sClient* c) {
    A4sMessage m;

    if (!c->shm) {
        return;
    }
    while (!c->failed && !a4s_ring_park(c->to_qemu, c->ring_size)) {
        while (a4s_take_ring(c, &m)) {
            a4s_serve(c, &m);
            a4s_message_free(&m);
        }
    }
}

static bool a4s_peer_wakes_futex(A4sClient* c) {
    return __atomic_load_n(&c->peer->flags, __ATOMIC_SEQ_CST) & A4S_PRESENCE_FUTEX;
}

static void a4s_failed_reply(A4sMessage* reply, uint16_t type) {
    memset(&reply->header, 0, sizeof(reply->header));
    reply->header.size = sizeof(reply->header);
    reply->header.type = type;
    reply->header.flags = A4S_F_REPLY;
    reply->header.status = A4S_E_ABORT;
    reply->heap = NULL;
}

/* The caller waits for its reply: spin for the learnt budget, then sleep on the futex the
 * model wakes (aie4sim_wait.h). */
static int a4s_wait_reply(A4sClient* c, uint32_t id, uint16_t type, A4sMessage* reply) {
    const int64_t deadline = a4s_now_ns() + c->options.reply_timeout_ns;
    A4sMessage m;

    for (;;) {
        while (a4s_next(c, &m)) {
            if ((m.header.flags & A4S_F_REPLY) && m.header.id == id) {
                *reply = m;
                a4s_park(c);
                return 0;
            }
            a4s_serve(c, &m);
            a4s_message_free(&m);
        }
        if (c->failed) {
            return -1;
        }
        if (a4s_now_ns() > deadline) {
            a4s_fail(c, "no reply to a request of type %u within %lld ms", type,
                     (long long)(c->options.reply_timeout_ns / 1000000));
            return -1;
        }
        if (c->shm && a4s_wait_spin(&c->waiter)) {
            continue;
        }
        if (c->shm && a4s_peer_wakes_futex(c)) {
            if (!a4s_wait_futex(&c->waiter, A4S_FUTEX_SLICE_NS)) {
                a4s_read_socket(c); /* a timeout: is the model still there? */
            }
            continue;
        }
        if (c->shm && !a4s_ring_prepare_sleep(c->to_qemu)) {
            continue;
        }
        {
            struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
            poll(&pfd, 1, 100);
        }
        a4s_read_socket(c);
        if (c->shm) {
            a4s_ring_awake(c->to_qemu);
        }
    }
}

int a4s_client_call(A4sClient* c, uint16_t type, uint16_t function, const void* body,
                    uint32_t body_size, const void* data, uint32_t data_size, A4sMessage* reply) {
    struct a4s_header h = {.type = type, .function = function, .id = c->next_id++};

    if (c->next_id == 0) {
        c->next_id = 1;
    }
    /* The flag stays PARKED for the main loop (a4s_ring_park): our reply comes without a
     * KICK, and this thread serves whatever else the model sends while it waits. */
    if (a4s_send(c, &h, body, body_size, data, data_size) != 0 ||
        a4s_wait_reply(c, h.id, type, reply) != 0) {
        a4s_failed_reply(reply, type);
        return -1;
    }
    return 0;
}

int a4s_client_post(A4sClient* c, uint16_t type, uint16_t function, const void* body,
                    uint32_t body_size, const void* data, uint32_t data_size) {
    struct a4s_header h = {.type = type, .function = function, .flags = A4S_F_POSTED};

    return a4s_send(c, &h, body, body_size, data, data_size);
}

int a4s_client_reply(A4sClient* c, const A4sMessage* request, uint16_t status, const void* data,
                     uint32_t size) {
    struct a4s_header h = request->header;

    if (request->header.flags & A4S_F_POSTED) {
        return 0;
    }
    h.flags = A4S_F_REPLY;
    h.status = status;
    return a4s_send(c, &h, data, size, NULL, 0);
}

int a4s_client_post_descriptors(A4sClient* c, uint16_t type, const void* body, uint32_t body_size,
                                const int* fds, unsigned count) {
    struct a4s_header h = {
        .type = type, .flags = A4S_F_POSTED, .size = (uint32_t)sizeof(h) + body_size};
    struct iovec iov[2] = {{.iov_base = &h, .iov_len = sizeof(h)},
                           {.iov_base = (void*)body, .iov_len = body_size}};
    char control[CMSG_SPACE(sizeof(int) * A4S_MAX_RAM_BLOCKS)] = {0};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    struct cmsghdr* cm;
    size_t sent;
    ssize_t n;

    if (c->failed) {
        return -1;
    }
    if (count == 0 || count > A4S_MAX_RAM_BLOCKS) {
        a4s_fail(c, "%u descriptors to send: 1 to %u allowed", count, A4S_MAX_RAM_BLOCKS);
        return -1;
    }
    h.time_ns = c->options.clock_ns ? c->options.clock_ns(c->options.opaque) : 0;
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(cm), fds, sizeof(int) * count);
    do {
        n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        a4s_fail(c, "cannot send to the model: %s", strerror(errno));
        return -1;
    }
    sent = (size_t)n;
    if (sent < sizeof(h) && a4s_write_all(c, (const uint8_t*)&h + sent, sizeof(h) - sent) != 0) {
        return -1;
    }
    if (sent < sizeof(h)) {
        sent = sizeof(h);
    }
    if (sent < sizeof(h) + body_size) { /* the rest without descriptors */
        return a4s_write_all(c, (const uint8_t*)body + (sent - sizeof(h)),
                             body_size - (sent - sizeof(h)));
    }
    return 0;
}

void a4s_client_drain(A4sClient* c) {
    A4sMessage m;

    a4s_read_socket(c);
    do {
        while (a4s_take_ring(c, &m) || a4s_cut_socket(c, &m)) {
            a4s_serve(c, &m);
            a4s_message_free(&m);
        }
        if (!c->shm || c->failed) {
            return;
        }
    } while (!a4s_ring_park(c->to_qemu, c->ring_size));
}

/* ---- connecting ----------------------------------------------------------------------- */

A4sClient* a4s_client_new(int fd, bool unix_socket, const A4sClientOptions* options) {
    A4sClient* c = calloc(1, sizeof(*c));

    if (!c) {
        return NULL;
    }
    c->options = *options;
    c->fd = fd;
    c->unix_socket = unix_socket;
    c->received_fd = -1;
    c->next_id = 1;
    c->local_self.cpu = A4S_CPU_UNKNOWN;
    c->local_peer.cpu = A4S_CPU_UNKNOWN;
    c->self = &c->local_self;
    c->peer = &c->local_peer;
    c->waiter.spin_min_ns = options->spin_min_ns;
    c->waiter.spin_max_ns = options->spin_max_ns;
    return c;
}

static bool a4s_map_rings(A4sClient* c, const A4sMessage* offer_message) {
    struct a4s_shm_offer offer;
    struct stat st;
    size_t ring_bytes;
    void* base;

    if (a4s_message_payload_size(offer_message) < sizeof(offer) || c->received_fd < 0) {
        a4s_fail(c, "the model's shared-memory offer is malformed");
        return false;
    }
    memcpy(&offer, a4s_message_payload(offer_message), sizeof(offer));
    ring_bytes = A4S_RING_DATA_OFFSET + (size_t)offer.ring_size;
    if (fstat(c->received_fd, &st) != 0 || offer.ring_size < 4096 ||
        (offer.ring_size & (offer.ring_size - 1)) != 0 ||
        (uint64_t)st.st_size < offer.region_size ||
        offer.to_model_offset + ring_bytes > offer.region_size ||
        offer.to_qemu_offset + ring_bytes > offer.region_size || offer.to_model_offset % 64 ||
        offer.to_qemu_offset % 64) {
        a4s_fail(c, "the model's shared-memory offer does not describe a usable region");
        return false;
    }
    base = mmap(NULL, offer.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, c->received_fd, 0);
    close(c->received_fd);
    c->received_fd = -1;
    if (base == MAP_FAILED) {
        a4s_fail(c, "cannot map the model's rings: %s", strerror(errno));
        return false;
    }
    c->shm = base;
    c->shm_size = offer.region_size;
    c->ring_size = offer.ring_size;
    c->to_model = (struct a4s_ring_control*)(void*)(c->shm + offer.to_model_offset);
    c->to_qemu = (struct a4s_ring_control*)(void*)(c->shm + offer.to_qemu_offset);
    if (offer.presence_offset && offer.presence_offset % 64 == 0 &&
        (uint64_t)offer.presence_offset + 2 * A4S_PRESENCE_SIZE <= offer.region_size) {
        c->self = (struct a4s_presence*)(void*)(c->shm + offer.presence_offset);
        c->peer = (struct a4s_presence*)(void*)(c->shm + offer.presence_offset + A4S_PRESENCE_SIZE);
    }
    c->self->cpu = A4S_CPU_UNKNOWN;
    __atomic_fetch_or(&c->self->flags, A4S_PRESENCE_FUTEX, __ATOMIC_SEQ_CST);
    c->waiter.ring = c->to_qemu;
    c->waiter.ring_size = c->ring_size;
    c->waiter.self = c->self;
    c->waiter.peer = c->peer;
    return true;
}

/* After a HELLO that agreed on rings: the model's SHM_OFFER comes next, with a memfd. */
static int a4s_take_offer(A4sClient* c) {
    const int64_t deadline = a4s_now_ns() + A4S_OFFER_TIMEOUT_NS;
    A4sMessage offer;
    bool mapped;

    for (;;) {
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        if (a4s_cut_socket(c, &offer)) {
            break;
        }
        if (c->failed) {
            return -1;
        }
        if (a4s_now_ns() >= deadline) {
            a4s_fail(c, "the model did not hand over its rings");
            return -1;
        }
        poll(&pfd, 1, 100);
        a4s_read_socket(c);
    }
    if (offer.header.type != A4S_SHM_OFFER) {
        a4s_fail(c, "the model sent a message of type %u where its rings were due",
                 offer.header.type);
        a4s_message_free(&offer);
        return -1;
    }
    mapped = a4s_map_rings(c, &offer);
    a4s_message_free(&offer);
    if (!mapped) {
        return -1;
    }
    a4s_park(c);
    return c->failed ? -1 : 0;
}

int a4s_client_hello(A4sClient* c, const struct a4s_hello* mine, struct a4s_hello* theirs) {
    struct a4s_hello hello = *mine;
    A4sMessage reply;

    if (!c->unix_socket) {
        hello.capabilities &= ~(uint64_t)(A4S_CAP_SHM | A4S_CAP_GUEST_RAM);
    }
    if (a4s_client_call(c, A4S_HELLO, 0, &hello, sizeof(hello), NULL, 0, &reply) != 0) {
        return -1;
    }
    if (reply.header.status != A4S_OK || a4s_message_payload_size(&reply) < sizeof(*theirs)) {
        a4s_message_free(&reply);
        a4s_fail(c, "the model refused HELLO");
        return -1;
    }
    memcpy(theirs, a4s_message_payload(&reply), sizeof(*theirs));
    a4s_message_free(&reply);
    if (theirs->major != A4S_PROTOCOL_MAJOR) {
        a4s_fail(c, "the model speaks protocol %u.%u, this QEMU %u.%u", theirs->major,
                 theirs->minor, A4S_PROTOCOL_MAJOR, A4S_PROTOCOL_MINOR);
        return -1;
    }
    c->peer_capabilities = theirs->capabilities;
    memcpy(c->peer_name, theirs->name, sizeof(theirs->name));
    c->peer_name[sizeof(theirs->name)] = '\0';
    if (!(theirs->capabilities & A4S_CAP_SHM) || !c->unix_socket) {
        return 0;
    }
    if (theirs->minor < A4S_RING_FORMAT_MINOR) {
        a4s_fail(c,
                 "the model speaks protocol %u.%u, whose shared-memory rings this QEMU "
                 "(%u.%u) cannot read: build both from one tree",
                 theirs->major, theirs->minor, A4S_PROTOCOL_MAJOR, A4S_PROTOCOL_MINOR);
        return -1;
    }
    return a4s_take_offer(c);
}

void a4s_client_close(A4sClient* c, const char* reason) {
    if (!c) {
        return;
    }
    if (reason && c->fd >= 0) {
        struct a4s_goodbye bye = {{0}};
        struct a4s_header h = {
            .type = A4S_GOODBYE, .flags = A4S_F_POSTED, .size = sizeof(h) + sizeof(bye)};
        snprintf(bye.reason, sizeof(bye.reason), "%s", reason);
        /* Best effort: the model may already be gone. */
        if (send(c->fd, &h, sizeof(h), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(h)) {
            (void)!send(c->fd, &bye, sizeof(bye), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        if (c->shm) {
            a4s_ring_wake_consumer(c->to_model); /* it reads the GOODBYE now, not later */
        }
    }
    if (c->fd >= 0) {
        close(c->fd);
    }
    if (c->shm) {
        munmap(c->shm, c->shm_size);
    }
    if (c->received_fd >= 0) {
        close(c->received_fd);
    }
    free(c->rx);
    free(c);
}

/* NOLINTEND */
