#pragma once
// One end of a co-simulation connection: messages over a stream socket (UNIX or TCP), and,
// once shared memory is agreed, over the two rings in it, with the socket left for wake-ups
// (KICK), the hand-over itself and GOODBYE. A peer that disappears, or sends anything that
// breaks the protocol, closes the link with a reason; nothing it sends can crash this side.

#include "cosim/protocol/cpu_spread.h"
#include "cosim/protocol/frame_reader.h"
#include "cosim/protocol/message.h"
#include "cosim/protocol/shm_region.h"

#include <boost/asio/generic/stream_protocol.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
    // Sends one message on the socket with descriptors attached (SCM_RIGHTS; UNIX only).
    bool send_with_descriptors(Message message, const std::vector<int>& fds);
    // Waits up to `timeout` for a message of `type` on the socket (GUEST_RAM, which rides with
    // descriptors), leaving every other message where it is.
    std::optional<Message> wait_socket_message(std::uint16_t type,
                                               std::chrono::nanoseconds timeout);
    // A message of `type` that has arrived on the socket, if one has (never waits).
    std::optional<Message> take_socket_message(std::uint16_t type);
    // For a caller that waits on several links at once (one poll() over their sockets): asks
    // the peer to KICK the socket for its next ring message. False if a message is already in
    // the ring (then do not sleep). end_socket_sleep() after the poll() returns.
    bool prepare_socket_sleep();
    void end_socket_sleep();
    // The same for a caller that sleeps on several links' futexes at once (futex_waitv): the
    // word the peer wakes for its next ring message (it must hold A4S_SLEEP_FUTEX to sleep),
    // or nullptr when a message is already there or the link has no rings. end_socket_sleep()
    // after the wait.
    std::uint32_t* prepare_futex_sleep();
    // Reads what the socket holds now (KICKs, GOODBYE, a closed connection).
    void pump_socket() { read_socket(); }
    // The next `count` descriptors that arrived with messages, in order (the caller owns them);
    // empty if fewer arrived.
    std::vector<int> take_descriptors(std::size_t count);
    // The next message if one is there now. With shared memory the socket (wake-ups and
    // goodbyes only) is looked at once a millisecond, not at every call: a system call on the
    // hot path costs more than the access it would delay.
    std::optional<Message> poll();
    // What a wait expects: a message soon (it spins for what a wake-up costs on this host;
    // aie4sim_wait.h has the why), or nothing soon (the last wait timed out: straight to sleep).
    enum class Expect { soon, nothing_soon };
    // Waits up to `timeout` for a message: spins (unless the peer runs on this CPU), then
    // sleeps on a futex the peer wakes, or on the socket.
    std::optional<Message> wait(std::chrono::nanoseconds timeout, Expect expect = Expect::soon);

    // Bounds of the spin budget (a floor equal to the cap makes it fixed; a cap of 0 never
    // spins).
    struct SpinLimits {
        std::chrono::nanoseconds floor{std::chrono::microseconds(2)};
        std::chrono::nanoseconds cap{std::chrono::microseconds(200)};
    };
    void set_spin_limits(SpinLimits limits);
    // What this side does when it finds the peer on its own CPU (cpu_spread.h). The model keeps
    // apart; QEMU's threads are QEMU's business.
    void set_spread(SpreadMode mode) { spread_.set_mode(mode); }
    // Stops keeping apart from this peer (the thread waits on several peers now).
    void end_spread() { spread_.set_mode(spread_.mode()); }
    [[nodiscard]] const CpuSpread& spread() const { return spread_; }
    // This side's wait statistics (in the shared region, where the peer and bridge_bench see
    // them too); all zero without shared memory.
    [[nodiscard]] const a4s_wait_stats& wait_stats() const { return self_->stats; }
    // This side's presence block, for its owner's own statistics (DMA).
    [[nodiscard]] a4s_presence& presence() { return *self_; }

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
        std::uint64_t socket_sleeps = 0; // blocked in poll() on the socket
    };
    // Whether the peer waits for a reply from us now (we serve its call): it then takes whatever
    // we send while it waits, and a peer whose main loop is parked needs no KICK for it.
    void set_peer_waits_for_reply(bool waits) { peer_waits_ = waits; }

    [[nodiscard]] const Counters& counters() const { return counters_; }

private:
    bool write_socket(const Message& m, const std::vector<int>& fds = {});
    void read_socket();
    std::optional<Message> take_from_ring();
    std::optional<Message> take();
    void handle_control(Message& m, bool& consumed);
    a4s_ring_control* inbound() const;
    a4s_ring_control* outbound() const;
    void attach_presence();
    [[nodiscard]] bool peer_wakes_futex() const;

    Socket socket_;
    Side side_;
    FrameReader reader_;
    std::deque<Message> queue_;
    std::unique_ptr<SharedRegion> region_;
    std::deque<int> received_fds_;
    bool closed_ = false;
    std::string closed_reason_;
    Counters counters_;
    bool peer_waits_ = false;
    SpinLimits spin_limits_;
    // Presence blocks: in the region when both sides speak 1.1, else these local stand-ins.
    a4s_presence local_self_{};
    a4s_presence local_peer_{};
    a4s_presence* self_ = &local_self_;
    const a4s_presence* peer_ = &local_peer_;
    a4s_waiter waiter_{};
    std::chrono::steady_clock::time_point next_socket_look_{};
    CpuSpread spread_;
    pid_t peer_process_ = 0; // the peer's process, where the kernel says (UNIX sockets)
};

} // namespace aie4sim::cosim
