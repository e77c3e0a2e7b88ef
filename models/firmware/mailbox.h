#pragma once
// One function's management mailbox, the firmware's side: the four head/tail registers the
// driver finds through mailbox_info (in BAR0), the host-to-firmware (x2i) and
// firmware-to-host (i2x) rings in the function's SRAM (BAR2), and the MSI-X vector raised for
// every reply. Ring rules follow the 7.3.4 driver (docs/driver/amdxdna-7.3.4.md section 4):
// x2i is consumed as soon as the tail moves and its head register advanced after each message;
// a reply that does not fit before the end of i2x is preceded by the 0xDEADFACE tombstone and
// written at offset 0, and the tail is published before the interrupt.

#include "models/device_observer.h"
#include "models/firmware/mgmt_protocol.h"
#include "models/sparse_memory.h"
#include "pcie/function.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::models {

struct MailboxLayout {
    // BAR0 offsets of the registers
    std::uint32_t x2i_tail_register = 0x00; // written by the host
    std::uint32_t x2i_head_register = 0x04; // written by the firmware
    std::uint32_t i2x_tail_register = 0x08; // written by the firmware
    std::uint32_t i2x_head_register = 0x0C; // written by the host
    // BAR2 offsets and sizes (powers of two) of the rings
    std::uint32_t x2i_ring = 0x1000;
    std::uint32_t x2i_size = 0x4000;
    std::uint32_t i2x_ring = 0x5000;
    std::uint32_t i2x_size = 0x4000;
    unsigned msi_vector = 0;
};
inline constexpr std::uint32_t kMailboxRegisterWindow = 0x100;

struct MailboxRequest {
    mgmt::Header header;
    std::vector<std::uint8_t> payload;
};

// A reply payload (status first); nullopt sends nothing (an asynchronous event registration).
using MailboxReply = std::optional<std::vector<std::uint8_t>>;

struct MailboxCounters {
    std::uint64_t requests = 0;
    std::uint64_t replies = 0;
    std::uint64_t malformed = 0;
    std::uint64_t dropped_replies = 0;
};

class Mailbox : public sc_core::sc_module {
public:
    // The register window at BAR0 + 0 (kMailboxRegisterWindow bytes).
    tlm_utils::simple_target_socket<Mailbox> registers;
    using Handler = std::function<MailboxReply(const MailboxRequest&)>;

    Mailbox(const sc_core::sc_module_name& name, pcie::Function& function, SparseMemory& sram,
            const MailboxLayout& layout, sc_core::sc_time per_message);
    SC_HAS_PROCESS(Mailbox);

    void set_handler(Handler handler) { handler_ = std::move(handler); }
    // Writes mailbox_info with valid = 1: the driver may start its channel.
    void publish(std::uint32_t protocol_major, std::uint32_t protocol_minor);
    // valid = 0: the firmware behind this function stopped.
    void withdraw();
    // Registers and rings back to zero and valid = 0 (power off, FLR).
    void reset();
    [[nodiscard]] bool published() const { return published_; }
    [[nodiscard]] const MailboxLayout& layout() const { return layout_; }
    [[nodiscard]] const MailboxCounters& counters() const { return counters_; }
    // Who watches the messages (timelines); null when nobody does.
    void set_observer(DeviceObserver* observer) { observer_ = observer; }

private:
    enum Reg { x2i_tail, x2i_head, i2x_tail, i2x_head };
    void register_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void run();
    std::optional<MailboxRequest> take();
    void send_reply(const mgmt::Header& request, const std::vector<std::uint8_t>& payload);
    void reply_malformed(const mgmt::Header& request);
    std::optional<Reg> register_at(std::uint64_t offset) const;

    pcie::Function& function_;
    SparseMemory& sram_;
    MailboxLayout layout_;
    sc_core::sc_time per_message_;
    Handler handler_;
    std::uint32_t regs_[4] = {};
    bool published_ = false;
    sc_core::sc_event x2i_written_;
    sc_core::sc_event i2x_consumed_;
    MailboxCounters counters_;
    DeviceObserver* observer_ = nullptr;
};

} // namespace aie4sim::models
