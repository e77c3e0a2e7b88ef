#pragma once
// A C++ stand-in for the amdxdna driver, for standalone runs and in-process tests: it brings
// the device up through exactly the interfaces the real driver uses (configuration space, the
// PSP and SMU registers, mailbox_info, the mailbox rings and MSI-X) and speaks the same
// messages (docs/driver/amdxdna-7.3.4.md). It is no substitute for the real driver, which the
// guest tests run; it makes the firmware testable in one process and lets `aie4sim run` work
// without QEMU. Every method that talks to the device must be called from an SC_THREAD.

#include "models/device_config.h"
#include "models/firmware/mgmt_protocol.h"
#include "models/host/host_system.h"
#include "models/host/pci_core.h"
#include "models/queue/host_queue.h"

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

namespace aie4sim::models::host {

class DriverError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct MailboxReplyMessage {
    std::uint32_t status = 0;
    std::vector<std::uint8_t> payload; // status included
};

// A user-mode queue the host model keeps in host memory for one context.
struct QueueHandle;

struct ContextHandle {
    unsigned function = 0;
    std::uint32_t id = 0;
    std::uint32_t doorbell = 0; // BAR2 offset
    unsigned msix = 0;
    std::uint64_t queue = 0; // host address of the queue header
};

class HostDriver : public sc_core::sc_module {
private:
    PciCore pci_; // first: the sockets below are its own

public:
    tlm_utils::simple_initiator_socket<PciCore>& config; // to the endpoint's config_in
    tlm_utils::simple_initiator_socket<PciCore>& mem;    // to the endpoint's mem_in

    HostDriver(const sc_core::sc_module_name& name, HostSystem& host, const DeviceConfig& device);

    // The PCI core's accesses, for the driver's steps and for tests (pci_core.h).
    std::uint32_t cfg_read(unsigned function, std::uint16_t offset, unsigned size = 4);
    void cfg_write(unsigned function, std::uint16_t offset, unsigned size, std::uint32_t value);
    std::uint32_t read32(std::uint64_t address);
    void write32(std::uint64_t address, std::uint32_t value);
    [[nodiscard]] std::uint64_t bar(unsigned function, unsigned index) const;

    // The driver's steps.
    void enumerate();                // the PCI core's: BARs, memory decode, bus mastering
    void probe_pf();                 // MSI-X, SMU, PSP, mailbox, ATTACH_WORK_BUFFER
    void enable_vfs(unsigned count); // CREATE_VFS, SR-IOV enable, each VF's probe
    void disable_vfs();              // each VF's DESTROY_PARTITION, SR-IOV off, DESTROY_VFS
    [[nodiscard]] std::uint32_t partition(unsigned vf) const { return partitions_.at(vf); }

    // One management message: its reply (status first), or a DriverError on a timeout or a
    // reply of another size than `reply_size`.
    MailboxReplyMessage call(unsigned function, std::uint32_t opcode,
                             const std::vector<std::uint8_t>& payload, std::uint32_t reply_size);
    // Writes raw bytes into a function's x2i ring and moves the tail (tests of bad input).
    void send_raw(unsigned function, const std::vector<std::uint8_t>& message);
    // Waits for the reply with `id`, if one comes within `timeout`.
    std::optional<MailboxReplyMessage> await_reply(unsigned function, std::uint32_t id,
                                                   sc_core::sc_time timeout);

    ContextHandle create_context(unsigned vf, std::uint32_t num_tiles, std::uint64_t queue,
                                 std::uint32_t priority = 0x200);
    void destroy_context(const ContextHandle& context);

    // The VF's view of the array (AIE_TILE_INFO): columns, rows, core rows, memory rows.
    struct ArrayView {
        unsigned columns = 0;
        unsigned rows = 0;
        unsigned core_rows = 0;
        unsigned mem_rows = 0;
    };
    ArrayView array_view(unsigned vf);

    [[nodiscard]] HostSystem& host() { return host_; }

    // Host addresses the host model uses for its own buffers.
    static constexpr std::uint64_t kFirmwareImage = 0x01000000;
    static constexpr std::uint64_t kCertificateImage = 0x01100000;
    static constexpr std::uint64_t kWorkBuffer = 0x02000000;

private:
    struct Channel {
        std::uint32_t info[16] = {};
        std::uint32_t x2i_tail = 0;
        std::uint32_t i2x_head = 0;
        std::uint32_t next_slot = 0;
        std::uint64_t irqs_seen = 0;
        std::map<std::uint32_t, MailboxReplyMessage> replies;
    };
    void setup_msix(unsigned function);
    void start_channel(unsigned function);
    std::uint32_t smu(std::uint32_t command);
    std::uint32_t psp(std::uint32_t command, std::uint64_t address, std::uint32_t arg2);
    void put_image(std::uint64_t address, const char* magic, std::uint32_t size);
    void drain(unsigned function);

    HostSystem& host_;
    std::map<unsigned, Channel> channels_;
    std::map<unsigned, std::uint32_t> partitions_;
    unsigned vfs_ = 0;
};

// A context with its user-mode queue in host memory, laid out as XRT lays it out (queue 1.0:
// the 128-byte header, `capacity` packets, then the indirect blocks).
struct QueueHandle {
    ContextHandle context;
    hq::QueueLayout layout;
    std::uint64_t write_index = 0;
    std::uint64_t irqs_seen = 0;
};

// Opens a queue at `base` (hq::QueueLayout::bytes(capacity) bytes) and its hardware context.
QueueHandle open_queue(HostDriver& driver, unsigned vf, std::uint32_t num_tiles, std::uint64_t base,
                       std::uint32_t capacity = 32);
// Writes the command into its slot (indirect blocks first), publishes write_index = seq + 1 and
// rings the doorbell with 0, as XRT's shim does; returns the command's sequence number.
std::uint64_t submit(HostDriver& driver, QueueHandle& queue, const hq::Command& command);
// Waits for read_index > seq, woken by the context's MSI-X (as the driver's WAIT_CMD).
bool wait_for(HostDriver& driver, QueueHandle& queue, std::uint64_t seq, sc_core::sc_time timeout);

} // namespace aie4sim::models::host
