/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (c) 2026 aie4sim authors
 *
 * aie4sim QEMU device: the link to the SystemC model. See aie4sim-link.h and
 * docs/cosim-protocol.md.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qapi/qapi-visit-sockets.h"
#include "qemu/error-report.h"
#include "qemu/main-loop.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"

#include "aie4sim-link.h"
#include "trace.h"

struct A4sLink {
    A4sClient *client;
    char *address;
    A4sRequestHandler handler;
    void *opaque;
    bool open; /* HELLO done: a failure from now on is the model lost */
    bool down;
};

static uint64_t a4s_virtual_clock(void *opaque)
{
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void a4s_request(void *opaque, A4sMessage *request)
{
    A4sLink *l = opaque;

    trace_aie4sim_request(request->header.type, request->header.function,
                          request->header.id);
    l->handler(l->opaque, request);
}

static void a4s_stray_reply(void *opaque, const struct a4s_header *reply)
{
    trace_aie4sim_stray_reply(reply->type, reply->id);
    warn_report("aie4sim: a %u reply (id %u) nobody waits for was dropped",
                reply->type, reply->id);
}

/*
 * The model is lost: say so once, stop listening to its socket (a closed
 * socket would make the main loop spin) and let every later access complete
 * at once.
 */
static void a4s_failed(void *opaque, const char *reason)
{
    A4sLink *l = opaque;

    trace_aie4sim_lost(l->address, reason);
    if (!l->open) {
        return; /* a4s_link_open reports through its Error */
    }
    l->down = true;
    qemu_set_fd_handler(a4s_client_fd(l->client), NULL, NULL, NULL);
    error_report("aie4sim: lost the model at %s: %s; the device is gone "
                 "(reads return all-ones), the guest keeps running",
                 l->address, reason);
}

bool a4s_link_down(A4sLink *l)
{
    return l->down;
}

int a4s_link_fd(A4sLink *l)
{
    return a4s_client_fd(l->client);
}

uint64_t a4s_link_peer_capabilities(A4sLink *l)
{
    return a4s_client_peer_capabilities(l->client);
}

struct a4s_presence *a4s_link_presence(A4sLink *l)
{
    return a4s_client_presence(l->client);
}

bool a4s_link_shared_memory(A4sLink *l)
{
    return a4s_client_shared_memory(l->client);
}

const char *a4s_link_peer_name(A4sLink *l)
{
    return a4s_client_peer_name(l->client);
}

A4sMessage a4s_link_call(A4sLink *l, uint16_t type, uint16_t function,
                         const void *body, uint32_t body_size, const void *data,
                         uint32_t data_size)
{
    A4sMessage reply;

    trace_aie4sim_call(type, function);
    a4s_client_call(l->client, type, function, body, body_size, data, data_size,
                    &reply);
    trace_aie4sim_reply(type, reply.header.status,
                        a4s_message_payload_size(&reply));
    return reply;
}

void a4s_link_post(A4sLink *l, uint16_t type, uint16_t function,
                   const void *body, uint32_t body_size, const void *data,
                   uint32_t data_size)
{
    trace_aie4sim_post(type, function);
    a4s_client_post(l->client, type, function, body, body_size, data,
                    data_size);
}

void a4s_link_reply(A4sLink *l, const A4sMessage *request, uint16_t status,
                    const void *data, uint32_t size)
{
    a4s_client_reply(l->client, request, status, data, size);
}

void a4s_link_post_descriptors(A4sLink *l, uint16_t type, const void *body,
                               uint32_t body_size, const int *fds,
                               unsigned count)
{
    a4s_client_post_descriptors(l->client, type, body, body_size, fds, count);
}

void a4s_link_drain(A4sLink *l)
{
    a4s_client_drain(l->client);
}

/* Connecting */

/* "PATH" is short for "unix:PATH"; the rest is QEMU's socket address syntax. */
static SocketAddress *a4s_parse_address(const char *address, Error **errp)
{
    g_autofree char *unix_address = NULL;

    if (!g_str_has_prefix(address, "unix:") &&
        !g_str_has_prefix(address, "tcp:")) {
        unix_address = g_strdup_printf("unix:%s", address);
        address = unix_address;
    }
    return socket_parse(address, errp);
}

/* The model may still be starting: retry until the timeout. */
static int a4s_connect(SocketAddress *addr, const char *address,
                       uint32_t timeout_s, Error **errp)
{
    const int64_t give_up =
        g_get_monotonic_time() + (int64_t)timeout_s * G_USEC_PER_SEC;

    for (;;) {
        Error *err = NULL;
        int fd = socket_connect(addr, &err);

        if (fd >= 0) {
            return fd;
        }
        if (g_get_monotonic_time() > give_up) {
            error_propagate_prepend(errp, err,
                                    "aie4sim: cannot connect to the model at "
                                    "%s within %u s (is `aie4sim model "
                                    "--socket %s` running?): ",
                                    address, timeout_s, address);
            return -1;
        }
        error_free(err);
        g_usleep(20000);
    }
}

A4sLink *a4s_link_open(const A4sLinkOptions *options, Error **errp)
{
    A4sClientOptions client_options = {
        .reply_timeout_ns = (int64_t)options->reply_timeout_ms * SCALE_MS,
        .spin_max_ns = (int64_t)options->spin_us * SCALE_US,
        .spin_min_ns = (int64_t)options->spin_min_us * SCALE_US,
        .handler = a4s_request,
        /*
         * The model reads no time stamp but SYNC's own; lockstep runs keep
         * stamping headers with the virtual clock for their traces.
         */
        .clock_ns = options->quantum_ns ? a4s_virtual_clock : NULL,
        .stray_reply = a4s_stray_reply,
        .failed = a4s_failed,
    };
    g_autoptr(SocketAddress) addr = NULL;
    struct a4s_hello hello = { 0 }, theirs;
    bool unix_socket;
    A4sLink *l;
    int fd;

    addr = a4s_parse_address(options->address, errp);
    if (!addr) {
        return NULL;
    }
    unix_socket = addr->type == SOCKET_ADDRESS_TYPE_UNIX;
    fd = a4s_connect(addr, options->address, options->connect_timeout_s, errp);
    if (fd < 0) {
        return NULL;
    }
    if (!unix_socket) {
        socket_set_nodelay(fd);
    }
    qemu_socket_set_nonblock(fd);

    l = g_new0(A4sLink, 1);
    l->address = g_strdup(options->address);
    l->handler = options->handler;
    l->opaque = options->opaque;
    client_options.opaque = l;
    l->client = a4s_client_new(fd, unix_socket, &client_options);
    if (!l->client) {
        close(fd);
        g_free(l->address);
        g_free(l);
        error_setg(errp, "aie4sim: out of memory");
        return NULL;
    }

    hello.major = A4S_PROTOCOL_MAJOR;
    hello.minor = A4S_PROTOCOL_MINOR;
    hello.role = A4S_ROLE_QEMU;
    hello.capabilities =
        (unix_socket ? A4S_CAP_SHM : 0) |
        (options->quantum_ns ? A4S_CAP_LOCKSTEP : 0) |
        (unix_socket && options->offer_guest_ram ? A4S_CAP_GUEST_RAM : 0);
    hello.quantum_ns = options->quantum_ns;
    snprintf(hello.name, sizeof(hello.name), "qemu %s", QEMU_VERSION);
    if (a4s_client_hello(l->client, &hello, &theirs) != 0) {
        error_setg(errp, "aie4sim: model at %s: %s", l->address,
                   a4s_client_error(l->client));
        a4s_link_close(l, "HELLO failed");
        return NULL;
    }
    l->open = true;
    trace_aie4sim_connect(l->address, a4s_client_peer_name(l->client),
                          a4s_client_shared_memory(l->client));
    return l;
}

void a4s_link_close(A4sLink *l, const char *reason)
{
    if (!l) {
        return;
    }
    trace_aie4sim_close(reason ? reason : "");
    a4s_client_close(l->client, l->down ? NULL : reason);
    g_free(l->address);
    g_free(l);
}
