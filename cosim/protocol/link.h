#pragma once
// One end of a co-simulation connection: messages over a stream socket (UNIX or TCP), and,
// once shared memory is agreed, over the two rings in it, with the socket left for wake-ups
// (KICK), the hand-over itself and GOODBYE. A peer that disappears, or sends anything that
// breaks the protocol, closes the link with a reason; nothing it sends can crash this side.

#include "cosim/protocol/frame_reader.h"
#include "cosim/protocol/message.h"
#include "cosim/protocol/shm_region.h"

#include <boost/asio/generic/stream_protocol.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace aie4sim::cosim {

class Link {
public:
    using Socket = boost::asio::generic::stream_protocol::socket;
    enum class Side { model, qemu };

    Link(Socket socket, Side side);
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    [[nodiscard]] bool is_unix() const;
    [[nodiscard]] bool shared_memory() const { return region_ != nullptr; }
    [[nodiscard]] int native_handle();

    // Model side: creates the rings and hands them to the peer (SHM_OFFER with the memfd).
    void offer_shared_memory(std::uint32_t ring_size);
    // QEMU side (and tests): maps the rings a received SHM_OFFER describes. False on a bad
    // offer (the link is then closed).
    bool accept_shared_memory(const Message& offer);

    // Sends one message; header.size is filled in. Returns false if the link is closed.
    bool send(Message message);
    // The next message if one is there now.
    std::optional<Message> poll();
    // Waits up to `timeout` for a message, busy-polling the first `spin` of it (the cheap
    // path: a sleeping peer costs a cross-process wake-up of tens of microseconds).
    std::optional<Message> wait(std::chrono::nanoseconds timeout, std::chrono::nanoseconds spin);

    [[nodiscard]] bool closed() const { return closed_; }
    [[nodiscard]] const std::string& closed_reason() const { return closed_reason_; }
    void close(const std::string& reason);
    // Sends GOODBYE with `reason` (best effort) and closes.
    void say_goodbye(const std::string& reason);

    struct Counters {
        std::uint64_t sent_ring = 0;
        std::uint64_t sent_socket = 0;
        std::uint64_t received_ring = 0;
        std::uint64_t received_socket = 0;
        std::uint64_t kicks_sent = 0;
        std::uint64_t kicks_received = 0;
        std::uint64_t sleeps = 0;
    };
    [[nodiscard]] const Counters& counters() const { return counters_; }

private:
    bool write_socket(const Message& m, int fd_to_pass = -1);
    void read_socket();
    std::optional<Message> take_from_ring();
    std::optional<Message> take();
    void handle_control(Message& m, bool& consumed);
    a4s_ring_control* inbound() const;
    a4s_ring_control* outbound() const;

    Socket socket_;
    Side side_;
    FrameReader reader_;
    std::deque<Message> queue_;
    std::unique_ptr<SharedRegion> region_;
    int received_fd_ = -1;
    bool closed_ = false;
    std::string closed_reason_;
    Counters counters_;
};

} // namespace aie4sim::cosim
