/*
 * aie4sim QEMU device: the transport to the SystemC model (socket, shared-memory rings).
 * It knows messages, not PCI: the device (aie4sim-pci.c) gives it a callback for the
 * model's own requests (DMA, MSI-X), which are served whenever QEMU waits for a reply, and
 * from the main loop otherwise.
 *
 * Threading: every entry point runs with the BQL held (MMIO and config handlers, the main
 * loop's fd handler, timers), so one thread at a time drives the link.
 */
#ifndef AIE4SIM_LINK_H
#define AIE4SIM_LINK_H

#include "aie4sim_wire.h"
#include "aie4sim_wait.h"

typedef struct A4sMessage {
    struct a4s_header header;
    uint8_t* payload; /* header.size - sizeof(header) bytes, owned by the message */
} A4sMessage;

typedef struct A4sLink A4sLink;
typedef void (*A4sRequestHandler)(void* opaque, A4sMessage* request);

typedef struct A4sLinkOptions {
    const char* address; /* "PATH", "unix:PATH" or "tcp:HOST:PORT" */
    uint32_t connect_timeout_s;
    uint32_t reply_timeout_s;
    uint32_t spin_us;     /* spin at most this long for a reply before sleeping ... */
    uint32_t spin_min_us; /* ... and at least this long; in between, the measured wake-up cost */
    uint64_t quantum_ns;  /* announced in HELLO (0: no SYNC) */
    bool offer_guest_ram; /* announce A4S_CAP_GUEST_RAM: the device can share guest RAM */
    A4sRequestHandler handler;
    void* opaque;
} A4sLinkOptions;

/* Connects and says HELLO; maps the rings if the model offers them. NULL and *errp set on
 * failure. */
A4sLink* a4s_link_open(const A4sLinkOptions* options, Error** errp);
void a4s_link_close(A4sLink* link, const char* reason);

/* Sends a request and waits for its reply, serving the model's requests meanwhile. The
 * reply's payload belongs to the caller (a4s_message_free). On a lost model, QEMU exits with
 * a message saying so: there is no device left to emulate. */
A4sMessage a4s_link_call(A4sLink* link, uint16_t type, uint16_t function, const void* body,
                         uint32_t body_size, const void* data, uint32_t data_size);
/* Sends a posted request (no reply). */
void a4s_link_post(A4sLink* link, uint16_t type, uint16_t function, const void* body,
                   uint32_t body_size, const void* data, uint32_t data_size);
/* Replies to one of the model's requests. */
void a4s_link_reply(A4sLink* link, const A4sMessage* request, uint16_t status, const void* data,
                    uint32_t size);
/* Serves whatever the model has sent (the main loop's fd handler does this). */
void a4s_link_drain(A4sLink* link);

/* Sends a posted message on the socket with descriptors attached (GUEST_RAM). */
void a4s_link_post_descriptors(A4sLink* link, uint16_t type, const void* body, uint32_t body_size,
                               const int* fds, unsigned count);

int a4s_link_fd(A4sLink* link);
uint64_t a4s_link_peer_capabilities(A4sLink* link);
/* This side's presence block (statistics), in the shared region or local. */
struct a4s_presence* a4s_link_presence(A4sLink* link);
bool a4s_link_shared_memory(A4sLink* link);
const char* a4s_link_peer_name(A4sLink* link);

void a4s_message_free(A4sMessage* message);

#endif
