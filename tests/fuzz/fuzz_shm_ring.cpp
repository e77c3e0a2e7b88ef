// The shared-memory ring reader: whatever the peer writes into its ring (the data and its tail),
// Link::poll either hands out messages that passed check_header, or closes the link with a
// reason. Input: the bytes the peer "produced" into the model -> QEMU ring, starting where the
// consumer's head is. A closed link is replaced by a fresh pair for the next input.
#include "cosim/protocol/link.h"
#include "cosim/protocol/shm_region.h"
#include "tests/fuzz/fuzz_input.h"

#include <boost/asio/io_context.hpp>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

using namespace aie4sim::cosim;
using aie4sim::fuzz::invariant_broken;

namespace {

constexpr std::uint32_t kRingSize = 256u << 10;

// The QEMU side of a link whose shared memory this harness also maps, as the model: it writes
// the ring the QEMU side reads.
struct RingPair {
    boost::asio::io_context io; // first: the links' sockets use it
    std::unique_ptr<Link> model;
    std::unique_ptr<Link> qemu;
    std::unique_ptr<SharedRegion> region;

    RingPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
            invariant_broken();
        }
        const auto family = boost::asio::generic::stream_protocol(AF_UNIX, 0);
        model = std::make_unique<Link>(Link::Socket(io, family, fds[0]), Link::Side::model);
        qemu = std::make_unique<Link>(Link::Socket(io, family, fds[1]), Link::Side::qemu);
        region = SharedRegion::create(kRingSize);
        Message offer = make_request(A4S_SHM_OFFER, 0, region->offer());
        offer.header.flags = A4S_F_POSTED;
        if (!model->send_with_descriptors(std::move(offer), {region->fd()})) {
            invariant_broken();
        }
        auto received = qemu->wait(std::chrono::seconds(5));
        if (!received || !qemu->accept_shared_memory(*received)) {
            invariant_broken();
        }
    }
};

std::unique_ptr<RingPair> pair;

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (!pair || pair->qemu->closed()) {
        pair.reset(); // the old links go before their io_context's replacement is made
        pair = std::make_unique<RingPair>();
    }
    aie4sim::fuzz::FuzzInput in(data, size);
    const std::vector<std::uint8_t> produced = in.take_bytes(kRingSize);
    a4s_ring_control* ring = pair->region->to_qemu();
    std::uint8_t* ring_data = a4s_ring_data(ring);
    const std::uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE);
    for (std::size_t i = 0; i < produced.size(); ++i) {
        ring_data[(head + i) & (kRingSize - 1)] = produced[i];
    }
    __atomic_store_n(&ring->tail, head + produced.size(), __ATOMIC_RELEASE);

    // Messages come out checked, or the link closes; the loop is bounded (nothing hangs). A
    // peer's ring may be nonsense (a padding marker the tail never reaches): the reader may
    // then read stale bytes, but only ever as messages that pass the same checks.
    for (std::size_t taken = 0; taken <= produced.size(); ++taken) {
        auto m = pair->qemu->poll();
        if (!m) {
            break;
        }
        if (check_header(m->header) || m->payload.size() != m->header.size - kHeaderSize) {
            invariant_broken();
        }
    }
    return 0;
}
