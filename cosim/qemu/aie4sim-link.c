/*
 * aie4sim QEMU device: the transport to the SystemC model. See aie4sim-link.h and
 * docs/cosim-protocol.md.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/error-report.h"
#include "qemu/sockets.h"
#include "qemu/timer.h"

#include "aie4sim-link.h"
#include "aie4sim_ring.h"
#include "aie4sim_wait.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

struct A4sLink {
    A4sLinkOptions options;
    char* address;
    int fd;
    bool unix_socket;
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
    /* Presence blocks: in the region when the model speaks 1.1, else these local stand-ins. */
    struct a4s_presence local_self;
    struct a4s_presence local_peer;
    struct a4s_presence* self;
    struct a4s_presence* peer;
    struct a4s_waiter waiter;
};

/* A futex sleeper looks at its socket this often: a model that died cannot wake it. */
#define A4S_FUTEX_SLICE_NS 50000000

static void G_GNUC_NORETURN a4s_fatal(A4sLink* l, const char* fmt, ...) {
    va_list ap;
    char* text;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report("aie4sim: %s (model at %s); QEMU exits: the device has no model behind it", text,
                 l->address);
    exit(1);
}

static int64_t a4s_now_us(void) {
    return g_get_monotonic_time();
}

void a4s_message_free(A4sMessage* m) {
    g_free(m->payload);
    m->payload = NULL;
}

int a4s_link_fd(A4sLink* l) {
    return l->fd;
}

uint64_t a4s_link_peer_capabilities(A4sLink* l) {
    return l->peer_capabilities;
}

struct a4s_presence* a4s_link_presence(A4sLink* l) {
    return l->self;
}

bool a4s_link_shared_memory(A4sLink* l) {
    return l->shm != NULL;
}

const char* a4s_link_peer_name(A4sLink* l) {
    return l->peer_name;
}

/* ---- checks of what the model sends ------------------------------------------------- */

static const char* a4s_check_header(const struct a4s_header* h) {
    if (h->size < sizeof(*h)) {
        return "message smaller than its header";
    }
    if (h->size - sizeof(*h) > A4S_MAX_PAYLOAD) {
        return "message larger than the protocol allows";
    }
    /* A type above A4S_TYPE_LIMIT is a newer peer's: the request handler answers MALFORMED. */
    if (h->type == 0) {
        return "message type 0";
    }
    if (h->flags & ~(A4S_F_REPLY | A4S_F_POSTED)) {
        return "unknown flags";
    }
    return NULL;
}

/* ---- sending -------------------------------------------------------------------------- */

static void a4s_write_all(A4sLink* l, const void* buf, size_t len) {
    const uint8_t* p = buf;

    while (len > 0) {
        ssize_t n = send(l->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd pfd = {.fd = l->fd, .events = POLLOUT};
            poll(&pfd, 1, 100);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            a4s_fatal(l, "cannot send to the model: %s", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

static bool a4s_next(A4sLink* l, A4sMessage* out);

static void a4s_serve(A4sLink* l, A4sMessage* m) {
    if (m->header.flags & A4S_F_REPLY) {
        warn_report("aie4sim: a %u reply (id %u) nobody waits for was dropped", m->header.type,
                    m->header.id);
        return;
    }
    l->options.handler(l->options.opaque, m);
}

static void a4s_send(A4sLink* l, struct a4s_header* h, const void* body, uint32_t body_size,
                     const void* data, uint32_t data_size) {
    uint8_t small[64];
    const void* payload = body;
    uint8_t* joined = NULL;
    uint32_t payload_size = body_size + data_size;

    h->size = sizeof(*h) + payload_size;
    h->time_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    if (data_size) {
        joined = payload_size <= sizeof(small) ? small : g_malloc(payload_size);
        if (body_size) {
            memcpy(joined, body, body_size);
        }
        memcpy(joined + body_size, data, data_size);
        payload = joined;
    }
    if (l->shm && h->type != A4S_GOODBYE) {
        for (;;) {
            int r = a4s_ring_push2(l->to_model, l->ring_size, h, sizeof(*h), payload, payload_size);
            A4sMessage in;

            if (r == 0) {
                break;
            }
            if (r < 0) {
                a4s_fatal(l, "a message of %u bytes does not fit the ring", h->size);
            }
            /* Full: the model may be waiting for us to serve its DMA. */
            if (a4s_next(l, &in)) {
                a4s_serve(l, &in);
                a4s_message_free(&in);
            } else {
                a4s_pause();
            }
        }
        if (a4s_ring_notify(l->to_model, l->self, (h->flags & A4S_F_REPLY) != 0)) {
            struct a4s_header kick = {.size = sizeof(kick), .type = A4S_KICK};
            a4s_write_all(l, &kick, sizeof(kick));
        }
    } else {
        a4s_write_all(l, h, sizeof(*h));
        if (payload_size) {
            a4s_write_all(l, payload, payload_size);
        }
    }
    if (joined != small) {
        g_free(joined);
    }
}

/* ---- receiving ------------------------------------------------------------------------ */

static void a4s_read_socket(A4sLink* l) {
    for (;;) {
        struct iovec iov;
        struct msghdr msg = {0};
        char control[CMSG_SPACE(sizeof(int))];
        struct cmsghdr* cm;
        ssize_t n;

        if (l->rx_cap - l->rx_len < 65536) {
            l->rx_cap = l->rx_len + 65536 * 2;
            l->rx = g_realloc(l->rx, l->rx_cap);
        }
        iov.iov_base = l->rx + l->rx_len;
        iov.iov_len = l->rx_cap - l->rx_len;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        n = recvmsg(l->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        if (n < 0) {
            a4s_fatal(l, "connection to the model failed: %s", strerror(errno));
        }
        if (n == 0) {
            a4s_fatal(l, "the model closed the connection without saying goodbye "
                         "(its process exited or was killed)");
        }
        for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                if (l->received_fd >= 0) {
                    close(l->received_fd);
                }
                memcpy(&l->received_fd, CMSG_DATA(cm), sizeof(int));
            }
        }
        l->rx_len += (size_t)n;
    }
}

/* The next complete message in the socket buffer, KICKs and GOODBYE handled here. */
static bool a4s_cut_socket(A4sLink* l, A4sMessage* out) {
    while (l->rx_len >= sizeof(struct a4s_header)) {
        struct a4s_header h;
        const char* why;

        memcpy(&h, l->rx, sizeof(h));
        why = a4s_check_header(&h);
        if (why) {
            a4s_fatal(l, "protocol error from the model: %s", why);
        }
        if (l->rx_len < h.size) {
            return false;
        }
        out->header = h;
        out->payload = g_memdup2(l->rx + sizeof(h), h.size - sizeof(h));
        memmove(l->rx, l->rx + h.size, l->rx_len - h.size);
        l->rx_len -= h.size;
        if (h.type == A4S_KICK) {
            if (l->shm) {
                a4s_note_kick_wake(l->to_qemu, l->self);
            }
            a4s_message_free(out);
            continue;
        }
        if (h.type == A4S_GOODBYE) {
            char reason[sizeof(struct a4s_goodbye) + 1] = {0};
            memcpy(reason, out->payload, MIN(h.size - sizeof(h), sizeof(reason) - 1));
            a4s_fatal(l, "the model said goodbye: %s", reason);
        }
        return true;
    }
    return false;
}

static bool a4s_take_ring(A4sLink* l, A4sMessage* out) {
    uint32_t len, available;
    const uint8_t* at;
    struct a4s_header h;
    const char* why;

    if (!l->shm) {
        return false;
    }
    at = a4s_ring_peek(l->to_qemu, l->ring_size, &len, &available);
    if (!at) {
        return false;
    }
    if (available < sizeof(h)) {
        a4s_fatal(l, "corrupt message in the shared ring");
    }
    memcpy(&h, at, sizeof(h));
    why = a4s_check_header(&h);
    if (why || h.size != len || h.size > available) {
        a4s_fatal(l, "corrupt message in the shared ring: %s", why ? why : "bad size");
    }
    out->header = h;
    out->payload = g_memdup2(at + sizeof(h), h.size - sizeof(h));
    a4s_ring_release(l->to_qemu, l->ring_size, h.size);
    return true;
}

static bool a4s_next(A4sLink* l, A4sMessage* out) {
    if (a4s_take_ring(l, out) || a4s_cut_socket(l, out)) {
        return true;
    }
    /* With rings, the socket only carries wake-ups and goodbyes: look at it now and then. */
    if (!l->shm || (++l->polls & 0xFF) == 0) {
        a4s_read_socket(l);
        return a4s_cut_socket(l, out);
    }
    return false;
}

/* Before returning to guest code: tell the model to kick the main loop for anything new, and
 * serve what arrived in between. */
static void a4s_park(A4sLink* l) {
    A4sMessage m;

    if (!l->shm) {
        return;
    }
    while (!a4s_ring_park(l->to_qemu, l->ring_size)) {
        while (a4s_take_ring(l, &m)) {
            a4s_serve(l, &m);
            a4s_message_free(&m);
        }
    }
}

static bool a4s_peer_wakes_futex(A4sLink* l) {
    return __atomic_load_n(&l->peer->flags, __ATOMIC_SEQ_CST) & A4S_PRESENCE_FUTEX;
}

/* The vCPU (or whoever holds the BQL and called) waits for its reply: spin for the learnt
 * budget, then sleep on the futex the model wakes (aie4sim_wait.h). */
static A4sMessage a4s_wait_reply(A4sLink* l, uint32_t id, uint16_t type) {
    const int64_t deadline = a4s_now_us() + (int64_t)l->options.reply_timeout_s * 1000000;
    A4sMessage m;

    for (;;) {
        while (a4s_next(l, &m)) {
            if ((m.header.flags & A4S_F_REPLY) && m.header.id == id) {
                a4s_park(l);
                return m;
            }
            a4s_serve(l, &m);
            a4s_message_free(&m);
        }
        if (a4s_now_us() > deadline) {
            a4s_fatal(l, "no reply to a request of type %u within %u s", type,
                      l->options.reply_timeout_s);
        }
        if (l->shm && a4s_wait_spin(&l->waiter)) {
            continue;
        }
        if (l->shm && a4s_peer_wakes_futex(l)) {
            if (!a4s_wait_futex(&l->waiter, A4S_FUTEX_SLICE_NS)) {
                a4s_read_socket(l); /* a timeout: is the model still there? */
            }
            continue;
        }
        if (l->shm && !a4s_ring_prepare_sleep(l->to_qemu)) {
            continue;
        }
        {
            struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
            poll(&pfd, 1, 100);
        }
        a4s_read_socket(l);
        if (l->shm) {
            a4s_ring_awake(l->to_qemu);
        }
    }
}

A4sMessage a4s_link_call(A4sLink* l, uint16_t type, uint16_t function, const void* body,
                         uint32_t body_size, const void* data, uint32_t data_size) {
    struct a4s_header h = {.type = type, .function = function, .id = l->next_id++};

    if (l->next_id == 0) {
        l->next_id = 1;
    }
    /* The flag stays PARKED for the main loop (a4s_ring_park): our reply comes without a KICK,
     * and this thread serves whatever else the model sends while it waits. */
    a4s_send(l, &h, body, body_size, data, data_size);
    return a4s_wait_reply(l, h.id, type);
}

void a4s_link_post(A4sLink* l, uint16_t type, uint16_t function, const void* body,
                   uint32_t body_size, const void* data, uint32_t data_size) {
    struct a4s_header h = {.type = type, .function = function, .flags = A4S_F_POSTED};

    a4s_send(l, &h, body, body_size, data, data_size);
}

void a4s_link_reply(A4sLink* l, const A4sMessage* request, uint16_t status, const void* data,
                    uint32_t size) {
    struct a4s_header h = request->header;

    if (request->header.flags & A4S_F_POSTED) {
        return;
    }
    h.flags = A4S_F_REPLY;
    h.status = status;
    a4s_send(l, &h, data, size, NULL, 0);
}

void a4s_link_post_descriptors(A4sLink* l, uint16_t type, const void* body, uint32_t body_size,
                               const int* fds, unsigned count) {
    struct a4s_header h = {.type = type, .flags = A4S_F_POSTED, .size = sizeof(h) + body_size};
    struct iovec iov[2] = {{.iov_base = &h, .iov_len = sizeof(h)},
                           {.iov_base = (void*)body, .iov_len = body_size}};
    char control[CMSG_SPACE(sizeof(int) * A4S_MAX_RAM_BLOCKS)] = {0};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
    struct cmsghdr* cm;
    ssize_t n;

    assert(count > 0 && count <= A4S_MAX_RAM_BLOCKS);
    h.time_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * count);
    cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int) * count);
    memcpy(CMSG_DATA(cm), fds, sizeof(int) * count);
    do {
        n = sendmsg(l->fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        a4s_fatal(l, "cannot send to the model: %s", strerror(errno));
    }
    if ((size_t)n < sizeof(h) + body_size) { /* the rest without descriptors */
        const uint8_t* rest_h = (const uint8_t*)&h;
        size_t sent = (size_t)n;
        if (sent < sizeof(h)) {
            a4s_write_all(l, rest_h + sent, sizeof(h) - sent);
            sent = sizeof(h);
        }
        a4s_write_all(l, (const uint8_t*)body + (sent - sizeof(h)), body_size - (sent - sizeof(h)));
    }
}

void a4s_link_drain(A4sLink* l) {
    A4sMessage m;

    a4s_read_socket(l);
    do {
        while (a4s_take_ring(l, &m) || a4s_cut_socket(l, &m)) {
            a4s_serve(l, &m);
            a4s_message_free(&m);
        }
        if (!l->shm) {
            return;
        }
    } while (!a4s_ring_park(l->to_qemu, l->ring_size));
}

/* ---- connecting ----------------------------------------------------------------------- */

static int a4s_connect_once(A4sLink* l, Error** errp) {
    if (g_str_has_prefix(l->address, "tcp:")) {
        g_autofree char* rest = g_strdup(l->address + 4);
        char* colon = strrchr(rest, ':');
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        struct addrinfo *ai, *p;
        int fd = -1, one = 1;

        if (!colon) {
            error_setg(errp, "aie4sim: socket \"%s\": expected tcp:HOST:PORT", l->address);
            return -2;
        }
        *colon = '\0';
        if (getaddrinfo(rest, colon + 1, &hints, &ai) != 0) {
            error_setg(errp, "aie4sim: cannot resolve %s", l->address);
            return -2;
        }
        for (p = ai; p; p = p->ai_next) {
            fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
            if (fd >= 0 && connect(fd, p->ai_addr, p->ai_addrlen) == 0) {
                break;
            }
            if (fd >= 0) {
                close(fd);
                fd = -1;
            }
        }
        freeaddrinfo(ai);
        if (fd >= 0) {
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
            l->unix_socket = false;
        }
        return fd;
    } else {
        const char* path = g_str_has_prefix(l->address, "unix:") ? l->address + 5 : l->address;
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd;

        if (strlen(path) >= sizeof(sa.sun_path)) {
            error_setg(errp, "aie4sim: socket path \"%s\" is too long", path);
            return -2;
        }
        strcpy(sa.sun_path, path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr*)&sa, sizeof(sa)) == 0) {
            l->unix_socket = true;
            return fd;
        }
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
}

static bool a4s_map_rings(A4sLink* l, const A4sMessage* offer_message, Error** errp) {
    struct a4s_shm_offer offer;
    struct stat st;
    size_t ring_bytes;
    void* base;

    if (offer_message->header.size - sizeof(struct a4s_header) < sizeof(offer) ||
        l->received_fd < 0) {
        error_setg(errp, "aie4sim: the model's shared-memory offer is malformed");
        return false;
    }
    memcpy(&offer, offer_message->payload, sizeof(offer));
    ring_bytes = A4S_RING_DATA_OFFSET + (size_t)offer.ring_size;
    if (fstat(l->received_fd, &st) != 0 || offer.ring_size < 4096 ||
        (offer.ring_size & (offer.ring_size - 1)) != 0 ||
        (uint64_t)st.st_size < offer.region_size ||
        offer.to_model_offset + ring_bytes > offer.region_size ||
        offer.to_qemu_offset + ring_bytes > offer.region_size || offer.to_model_offset % 64 ||
        offer.to_qemu_offset % 64) {
        error_setg(errp, "aie4sim: the model's shared-memory offer does not describe a usable "
                         "region");
        return false;
    }
    base = mmap(NULL, offer.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, l->received_fd, 0);
    close(l->received_fd);
    l->received_fd = -1;
    if (base == MAP_FAILED) {
        error_setg_errno(errp, errno, "aie4sim: cannot map the model's rings");
        return false;
    }
    l->shm = base;
    l->shm_size = offer.region_size;
    l->ring_size = offer.ring_size;
    l->to_model = (struct a4s_ring_control*)(l->shm + offer.to_model_offset);
    l->to_qemu = (struct a4s_ring_control*)(l->shm + offer.to_qemu_offset);
    if (offer.presence_offset && offer.presence_offset % 64 == 0 &&
        (uint64_t)offer.presence_offset + 2 * A4S_PRESENCE_SIZE <= offer.region_size) {
        l->self = (struct a4s_presence*)(l->shm + offer.presence_offset);
        l->peer = (struct a4s_presence*)(l->shm + offer.presence_offset + A4S_PRESENCE_SIZE);
    }
    l->self->cpu = A4S_CPU_UNKNOWN;
    __atomic_fetch_or(&l->self->flags, A4S_PRESENCE_FUTEX, __ATOMIC_SEQ_CST);
    l->waiter.ring = l->to_qemu;
    l->waiter.ring_size = l->ring_size;
    l->waiter.self = l->self;
    l->waiter.peer = l->peer;
    return true;
}

A4sLink* a4s_link_open(const A4sLinkOptions* options, Error** errp) {
    A4sLink* l = g_new0(A4sLink, 1);
    const int64_t give_up = a4s_now_us() + (int64_t)options->connect_timeout_s * 1000000;
    struct a4s_hello hello = {0}, theirs;
    A4sMessage reply;
    int fd;

    l->options = *options;
    l->address = g_strdup(options->address);
    l->received_fd = -1;
    l->next_id = 1;
    l->fd = -1;
    l->local_self.cpu = A4S_CPU_UNKNOWN;
    l->local_peer.cpu = A4S_CPU_UNKNOWN;
    l->self = &l->local_self;
    l->peer = &l->local_peer;
    l->waiter.spin_min_ns = (int64_t)options->spin_min_us * 1000;
    l->waiter.spin_max_ns = (int64_t)options->spin_us * 1000;

    /* The model may still be starting: retry until the timeout. */
    for (;;) {
        fd = a4s_connect_once(l, errp);
        if (fd >= 0 || fd == -2) {
            break;
        }
        if (a4s_now_us() > give_up) {
            error_setg(errp,
                       "aie4sim: cannot connect to the model at %s within %u s (%s); "
                       "is `aie4sim model --socket %s` running?",
                       l->address, options->connect_timeout_s, strerror(errno), l->address);
            break;
        }
        g_usleep(20000);
    }
    if (fd < 0) {
        g_free(l->address);
        g_free(l);
        return NULL;
    }
    l->fd = fd;
    qemu_socket_set_nonblock(fd);

    hello.major = A4S_PROTOCOL_MAJOR;
    hello.minor = A4S_PROTOCOL_MINOR;
    hello.role = A4S_ROLE_QEMU;
    hello.capabilities = (l->unix_socket ? A4S_CAP_SHM : 0) |
                         (options->quantum_ns ? A4S_CAP_LOCKSTEP : 0) |
                         (l->unix_socket && options->offer_guest_ram ? A4S_CAP_GUEST_RAM : 0);
    hello.quantum_ns = options->quantum_ns;
    snprintf(hello.name, sizeof(hello.name), "qemu %s", QEMU_VERSION);
    reply = a4s_link_call(l, A4S_HELLO, 0, &hello, sizeof(hello), NULL, 0);
    if (reply.header.status != A4S_OK ||
        reply.header.size - sizeof(struct a4s_header) < sizeof(theirs)) {
        error_setg(errp, "aie4sim: the model refused HELLO");
        a4s_message_free(&reply);
        a4s_link_close(l, NULL);
        return NULL;
    }
    memcpy(&theirs, reply.payload, sizeof(theirs));
    a4s_message_free(&reply);
    if (theirs.major != A4S_PROTOCOL_MAJOR) {
        error_setg(errp, "aie4sim: the model speaks protocol %u.%u, this QEMU %u.%u", theirs.major,
                   theirs.minor, A4S_PROTOCOL_MAJOR, A4S_PROTOCOL_MINOR);
        a4s_link_close(l, "protocol version mismatch");
        return NULL;
    }
    l->peer_capabilities = theirs.capabilities;
    memcpy(l->peer_name, theirs.name, sizeof(theirs.name));
    l->peer_name[sizeof(theirs.name)] = '\0';
    if ((theirs.capabilities & A4S_CAP_SHM) && l->unix_socket &&
        theirs.minor < A4S_RING_FORMAT_MINOR) {
        error_setg(errp,
                   "aie4sim: the model speaks protocol %u.%u, whose shared-memory rings this QEMU "
                   "(%u.%u) cannot read: build both from one tree",
                   theirs.major, theirs.minor, A4S_PROTOCOL_MAJOR, A4S_PROTOCOL_MINOR);
        a4s_link_close(l, "protocol version mismatch");
        return NULL;
    }
    if ((theirs.capabilities & A4S_CAP_SHM) && l->unix_socket) {
        const int64_t offer_deadline = a4s_now_us() + 10000000;
        A4sMessage offer;
        bool got = false;

        while (!got && a4s_now_us() < offer_deadline) {
            struct pollfd pfd = {.fd = l->fd, .events = POLLIN};
            if (a4s_cut_socket(l, &offer)) {
                got = true;
                break;
            }
            poll(&pfd, 1, 100);
            a4s_read_socket(l);
        }
        if (!got || offer.header.type != A4S_SHM_OFFER || !a4s_map_rings(l, &offer, errp)) {
            if (got) {
                a4s_message_free(&offer);
            }
            if (errp && !*errp) {
                error_setg(errp, "aie4sim: the model did not hand over its rings");
            }
            a4s_link_close(l, "no shared memory");
            return NULL;
        }
        a4s_message_free(&offer);
        a4s_park(l);
    }
    return l;
}

void a4s_link_close(A4sLink* l, const char* reason) {
    if (!l) {
        return;
    }
    if (reason && l->fd >= 0) {
        struct a4s_goodbye bye = {{0}};
        struct a4s_header h = {
            .type = A4S_GOODBYE, .flags = A4S_F_POSTED, .size = sizeof(h) + sizeof(bye)};
        snprintf(bye.reason, sizeof(bye.reason), "%s", reason);
        /* Best effort: the model may already be gone. */
        if (send(l->fd, &h, sizeof(h), MSG_NOSIGNAL | MSG_DONTWAIT) == sizeof(h)) {
            send(l->fd, &bye, sizeof(bye), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
        if (l->shm) {
            a4s_ring_wake_consumer(l->to_model); /* it reads the GOODBYE now, not later */
        }
    }
    if (l->fd >= 0) {
        close(l->fd);
    }
    if (l->shm) {
        munmap(l->shm, l->shm_size);
    }
    if (l->received_fd >= 0) {
        close(l->received_fd);
    }
    g_free(l->rx);
    g_free(l->address);
    g_free(l);
}
