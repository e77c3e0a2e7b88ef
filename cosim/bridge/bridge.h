#pragma once
// The model's end of the co-simulation: a SystemC module between the QEMU link and a PCIe
// SR-IOV endpoint.
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
#include "cosim/protocol/guest_ram.h"
#include "cosim/protocol/link.h"
#include "sriov/endpoint.h"

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

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
    // Move off QEMU's CPU when the two end up sharing one (Link::set_spread).
    bool spread = true;
    // DMA straight into guest RAM when QEMU shares it (protocol 1.1): QEMU translates
    // (DMA_MAP), the model copies. Off: every DMA goes by DMA_READ/DMA_WRITE messages.
    bool dma_direct = true;
    std::chrono::seconds connect_timeout{60};
    std::chrono::seconds reply_timeout{60};
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

    // For tests: serve an already connected link instead of listening.
    int serve(std::unique_ptr<Link> link);

private:
    void host_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool handshake();
    void handle(Message& m);
    void reply(const Message& request, std::uint16_t status, const void* data = nullptr,
               std::size_t size = 0);
    void on_config_read(const Message& m);
    void on_config_write(const Message& m);
    void on_mmio(const Message& m, bool write);
    void on_layout(const Message& m);
    void on_sync(const Message& m);
    void on_reset(const Message& m);
    void on_guest_ram(const Message& m);
    void advance_free();
    bool run_wall_alarms();
    std::chrono::nanoseconds idle_wait() const;
    std::optional<Message> await_reply(std::uint32_t id);
    bool dma(tlm::tlm_generic_payload& trans, unsigned function);
    struct DmaRequest {
        unsigned function;
        bool write;
        std::uint32_t flags; // A4S_DMA_*
        std::uint64_t address;
        std::uint8_t* data;
        std::uint32_t length;
    };
    bool dma_by_messages(const DmaRequest& r);
    bool dma_direct(const DmaRequest& r);
    std::optional<Message> call(Message m);
    tlm::tlm_response_status access(tlm_utils::simple_initiator_socket<Bridge>& socket, bool write,
                                    std::uint64_t address, std::uint8_t* data, unsigned size);
    std::uint64_t now_ns() const;
    void stamp(Message& m) const;

    sriov::Endpoint& endpoint_;
    BridgeOptions options_;
    std::unique_ptr<Link> link_;
    std::unique_ptr<GuestRam> guest_ram_; // QEMU's RAM, when it shares it
    std::deque<Message> deferred_;
    BridgeCounters counters_;
    std::uint32_t next_id_ = 1;
    bool said_hello_ = false;
    bool goodbye_from_qemu_ = false;
    // Set by the endpoint's listeners while a configuration write runs.
    std::uint32_t pending_events_ = 0;
    std::uint64_t qemu_time_ns_ = 0;
};

} // namespace aie4sim::cosim
