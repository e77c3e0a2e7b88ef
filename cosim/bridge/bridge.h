#pragma once
// The model's end of the co-simulation: a SystemC module between the QEMU links and a PCIe
// SR-IOV endpoint. One host QEMU owns the PF (and the VFs it keeps); guest QEMUs each ATTACH to
// one VF, as VFIO passthrough gives a VF to a VM (protocol 1.2, docs/cosim-protocol.md). Each
// connection is a Peer with its own link, rings and guest RAM; a guest peer reaches its VF
// only, and its VF's DMA and MSI-X reach that guest only.
//   config_out, mem_out  carry QEMU's configuration and memory requests to the endpoint;
//   host_in              receives the endpoint's outbound traffic (DMA, MSI-X) for QEMU.
// run() owns the simulation loop: it serves QEMU's requests between SystemC time steps and
// decides how far SystemC time may advance (docs/cosim-time.md):
//   free      SystemC runs its own events as fast as it can; QEMU time is only reported;
//   lockstep  SystemC advances only when QEMU's SYNC says its virtual time has reached a
//             quantum boundary, and QEMU waits for that: with QEMU -icount the whole system is
//             deterministic.

#include "common/wall_clock_alarms.h"
#include "cosim/bridge/listen_address.h"
#include "cosim/bridge/peer.h"
#include "cosim/protocol/guest_ram.h"
#include "cosim/protocol/link.h"
#include "sriov/endpoint.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::cosim {

enum class TimeMode { free, lockstep };

// The model's exit status when its peer went away without GOODBYE: the launcher reads it as
// "QEMU ended first", not as a failure of the model.
inline constexpr int kExitPeerLost = 3;

struct BridgeOptions {
    ListenAddress listen;
    TimeMode mode = TimeMode::free;
    std::uint32_t ring_size = 1u << 20;
    // Bounds of the time the model spins for QEMU's next message before it sleeps; within
    // them the budget follows the wake-up cost measured on this host (aie4sim_wait.h).
    Link::SpinLimits spin;
    // What the model does when it finds QEMU's vCPU on its own CPU (cosim/protocol/cpu_spread.h).
    SpreadMode spread = SpreadMode::apart;
    // DMA straight into guest RAM when QEMU shares it (protocol 1.1): QEMU translates
    // (DMA_MAP), the model copies. Off: every DMA goes by DMA_READ/DMA_WRITE messages.
    bool dma_direct = true;
    std::chrono::seconds connect_timeout{60};
    std::chrono::seconds reply_timeout{60};
    // Keep listening after the first QEMU: guest QEMUs ATTACH to VFs (aie4sim vms).
    bool accept_guests = false;
    // Free mode only: answers the device owes by wall-clock time (common/wall_clock_alarms.h),
    // run between time steps so that no long job on the array can hold them back.
    common::WallClockAlarms* wall_alarms = nullptr;
};

struct BridgeCounters {
    std::uint64_t config_reads = 0;
    std::uint64_t config_writes = 0;
    std::uint64_t mmio_reads = 0;
    std::uint64_t mmio_writes = 0;
    std::uint64_t dma_reads = 0;
    std::uint64_t dma_writes = 0;
    std::uint64_t dma_bytes = 0;
    std::uint64_t dma_direct_bytes = 0; // of dma_bytes, copied straight into/out of guest RAM
    std::uint64_t dma_maps = 0;
    std::uint64_t msis = 0;
    std::uint64_t syncs = 0;
    std::uint64_t malformed = 0;
    std::uint64_t attaches = 0;       // ATTACHes accepted
    std::uint64_t refusals = 0;       // ATTACHes refused
    std::uint64_t fenced = 0;         // guest accesses outside their VF, refused
    std::uint64_t vf_resets = 0;      // VF FLRs the bridge did for a guest (gone, reset)
    std::uint64_t notices = 0;        // NOTICEs sent to guests
    std::uint64_t peers_accepted = 0; // connections, the first one included
};

class Bridge : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<Bridge> config_out;
    tlm_utils::simple_initiator_socket<Bridge> mem_out;
    tlm_utils::simple_target_socket<Bridge> host_in;

    Bridge(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint, BridgeOptions options);
    ~Bridge() override;

    // Listens, accepts QEMU, and serves it until it leaves. Returns the process exit status:
    // 0 when QEMU said goodbye, kExitPeerLost when QEMU vanished without a word (it died
    // first), 1 when the model ended the connection (a protocol error, a time-out, no QEMU).
    int run();
    [[nodiscard]] const BridgeCounters& counters() const { return counters_; }

    // For tests: serve an already connected link instead of listening. Serves until the host
    // QEMU leaves (or every connection has gone); the status is the host's, as run()'s.
    int serve(std::unique_ptr<Link> link);
    // Thread-safe: one more connection for serve() to take in (a test's guest QEMU).
    void adopt(std::unique_ptr<Link> link);

    // The connection a VF is attached to (its peer number), or 0.
    [[nodiscard]] std::uint64_t vf_holder(unsigned vf) const;

private:
    void host_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    // bridge_peers.cpp: connections, the handshake, ATTACH, notices, waiting on all of them.
    Peer& add_peer(std::unique_ptr<Link> link);
    void take_in_new_peers();
    void accept_connections();
    bool on_hello(Peer& p, const Message& m);
    void on_attach(Peer& p, const Message& m);
    void on_detach(Peer& p, const Message& m);
    void release_vf(Peer& p, const std::string& why);
    void reset_vf(unsigned vf);
    void send_notices();
    void notice(Peer& p, std::uint32_t kind, const std::string& why);
    bool reap_peers(int& status);
    void end_peers(const std::string& why);
    bool serve_round();
    void wait_for_any(std::chrono::nanoseconds timeout, bool idle);
    bool wait_on_peer_futexes(std::chrono::nanoseconds timeout);
    Peer* owner_of(unsigned function);
    [[nodiscard]] static std::string describe(const Peer& p);

    bool handle_first(Peer& p, Message& m);
    void handle(Peer& p, Message& m);
    void reply(Peer& p, const Message& request, std::uint16_t status, const void* data = nullptr,
               std::size_t size = 0);
    // The function a request of `p` addresses: a guest's VF whatever it names.
    [[nodiscard]] static unsigned function_of(const Peer& p, const Message& m);
    void on_config_read(Peer& p, const Message& m);
    void on_config_write(Peer& p, const Message& m);
    void on_mmio(Peer& p, const Message& m, bool write);
    bool guest_mmio_address(Peer& p, const a4s_mmio& req, std::uint64_t& address);
    void on_layout(Peer& p, const Message& m);
    void on_sync(Peer& p, const Message& m);
    void on_reset(Peer& p, const Message& m);
    void on_guest_ram(Peer& p, const Message& m);
    void advance_free();
    bool run_wall_alarms();
    std::chrono::nanoseconds idle_wait() const;
    std::optional<Message> await_reply(Peer& p, std::uint32_t id);
    bool dma(Peer& p, tlm::tlm_generic_payload& trans, unsigned function);
    struct DmaRequest {
        unsigned function;
        bool write;
        std::uint32_t flags; // A4S_DMA_*
        std::uint64_t address;
        std::uint8_t* data;
        std::uint32_t length;
    };
    bool dma_by_messages(Peer& p, const DmaRequest& r);
    bool dma_direct(Peer& p, const DmaRequest& r);
    std::optional<Message> call(Peer& p, Message m);
    tlm::tlm_response_status access(tlm_utils::simple_initiator_socket<Bridge>& socket, bool write,
                                    std::uint64_t address, std::uint8_t* data, unsigned size);
    std::uint64_t now_ns() const;
    void stamp(Message& m) const;

    sriov::Endpoint& endpoint_;
    BridgeOptions options_;
    // Accepted connections' sockets live in this context: declared before the peers, so that
    // it outlives their sockets.
    boost::asio::io_context io_;
    // Every connection, the host's first; a peer is only erased by reap_peers() (never while
    // a request of any peer is being served).
    std::vector<std::unique_ptr<Peer>> peers_;
    Peer* host_ = nullptr;
    std::uint64_t next_peer_number_ = 1;
    int listen_fd_ = -1; // run(): more QEMUs connect here (accept_guests)
    bool listen_unix_ = true;
    bool futex_waitv_ = true; // the kernel has it (until a call says ENOSYS)
    std::mutex adopt_mutex_;
    std::vector<std::unique_ptr<Link>> adopted_;
    std::atomic<bool> adopt_pending_{false};
    BridgeCounters counters_;
    std::uint32_t next_id_ = 1;
    // Set by the endpoint's listeners while a configuration write runs.
    std::uint32_t pending_events_ = 0;
    // VFs the endpoint reset by FLR, and whether VF presence may have changed: guests are told
    // (send_notices) once the request that caused it has been answered.
    std::set<unsigned> vf_flrs_;
    bool vfs_changed_ = false;
};

} // namespace aie4sim::cosim
