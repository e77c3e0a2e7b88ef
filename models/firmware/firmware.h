#pragma once
// The device firmware: what AMD's closed firmware does on silicon, as a state machine per
// function (docs/firmware-model.md).
//  - PF: SMU power commands; PSP VALIDATE / VALIDATE_CERT / START / RELEASE_TMR; a "boot" that
//    publishes the PF's mailbox_info; the PF's messages (ATTACH_WORK_BUFFER, SUSPEND,
//    CREATE_VFS, DESTROY_VFS).
//  - each VF: created by CREATE_VFS (its mailbox_info published before the VF is enabled);
//    AIE_TILE_INFO, AIE_VERSION_INFO, partitions and hardware contexts.
//  - isolation: a function names only its own partitions and contexts; PF-only messages from
//    a VF are refused.
//  - FLR: the function's firmware state is reset and its mailbox_info republished after
//    flr_recovery.

#include "aie_tiles/format/geometry.h"
#include "common/wall_clock_alarms.h"
#include "models/context_registry.h"
#include "models/firmware/firmware_config.h"
#include "models/firmware/mailbox.h"
#include "models/scheduler_config.h"
#include "sriov/endpoint.h"

#include <cstdint>
#include <functional>
#include <map>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

namespace aie4sim::models {

struct Partition {
    std::uint32_t id = 0;
    unsigned col_start = 0;
    unsigned col_count = 0;
};

// Where a firmware image the PSP validates comes from.
enum class ImageKind { firmware, certificate };

// PSP response codes (RESP, 0 = success). 0xFFFF0002 and 0xFFFF0007 are the codes the driver
// names; 0xFFFF0005 is ours for an image that fails validation.
inline constexpr std::uint32_t kPspOk = 0;
inline constexpr std::uint32_t kPspBadState = 0xFFFF0007;
inline constexpr std::uint32_t kPspBadImage = 0xFFFF0005;

struct FirmwareStatus {
    bool powered = false;
    bool firmware_validated = false;
    bool certificate_validated = false;
    bool started = false;
    bool running = false; // PF mailbox published
    std::uint64_t work_buffer = 0;
    std::uint32_t work_buffer_size = 0;
    unsigned vfs = 0; // VF firmware instances (CREATE_VFS)
};

class Firmware : public sc_core::sc_module {
public:
    // The firmware's own DMA (the work buffer), on behalf of the PF.
    tlm_utils::simple_initiator_socket<Firmware> pf_dma;

    // The array columns a VF sees (all of them when VFs time-share the array).
    using ColumnsOf = std::function<ColumnRange(unsigned vf)>;

    // `mailboxes[f]` is function f's mailbox (0 = PF, n = VF n). The firmware adds and
    // removes the hardware contexts of `contexts` (the device's registry).
    Firmware(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
             ContextRegistry& contexts, std::vector<Mailbox*> mailboxes,
             const FirmwareConfig& config, const tiles::Geometry& geometry, ColumnsOf columns_of,
             std::uint32_t doorbell_base, std::uint32_t doorbell_stride);
    SC_HAS_PROCESS(Firmware);

    // SMU (BAR5): executes a command; the value for RESP (1 = done).
    std::uint32_t smu_command(std::uint32_t command, std::uint32_t argument);
    // PSP (BAR4): an image the PSP read from host memory, and the size the driver declared.
    std::uint32_t psp_validate(ImageKind kind, const std::vector<std::uint8_t>& image,
                               std::uint32_t declared_size);
    std::uint32_t psp_start();
    std::uint32_t psp_release();
    [[nodiscard]] bool powered() const { return status_.powered; }

    [[nodiscard]] const std::map<std::uint32_t, Partition>& partitions(unsigned function) const;
    [[nodiscard]] const Partition* partition(unsigned function, std::uint32_t id) const;
    [[nodiscard]] const FirmwareStatus& status() const { return status_; }

    // Set by a free-mode co-simulation: an FLR's republish is then also due after
    // flr_recovery of wall-clock time, whichever comes first (common/wall_clock_alarms.h).
    void use_wall_clock_alarms(common::WallClockAlarms* alarms) { wall_alarms_ = alarms; }

private:
    struct FunctionState {
        bool alive = false;
        std::map<std::uint32_t, Partition> partitions;
        std::uint32_t next_partition = 1;
        std::uint32_t next_context = 1;
        std::uint64_t pending_recovery = 0; // the FLR whose republish is still due (0: none)
    };

    MailboxReply handle(unsigned function, const MailboxRequest& request);
    MailboxReply handle_pf(const MailboxRequest& request);
    MailboxReply handle_vf(unsigned function, const MailboxRequest& request);
    MailboxReply attach_work_buffer(const MailboxRequest& request);
    MailboxReply create_vfs(const MailboxRequest& request);
    MailboxReply destroy_vfs();
    MailboxReply create_partition(unsigned function, const MailboxRequest& request);
    MailboxReply destroy_partition(unsigned function, const MailboxRequest& request);
    MailboxReply create_context(unsigned function, const MailboxRequest& request);
    MailboxReply destroy_context(unsigned function, const MailboxRequest& request);
    MailboxReply tile_info(unsigned function) const;
    MailboxReply version_info() const;

    void function_reset(unsigned function, pcie::ResetKind kind);
    void clear_function(unsigned function);
    void stop_firmware();
    void after(sc_core::sc_time delay, std::function<void()> action);
    void run_due_actions();

    sriov::Endpoint& endpoint_;
    ContextRegistry& contexts_;
    std::vector<Mailbox*> mailboxes_;
    FirmwareConfig config_;
    tiles::Geometry geometry_;
    ColumnsOf columns_of_;
    std::uint32_t doorbell_base_;
    std::uint32_t doorbell_stride_;
    FirmwareStatus status_;
    std::vector<FunctionState> functions_;
    std::multimap<sc_core::sc_time, std::function<void()>> due_;
    sc_core::sc_event_queue wake_;
    std::uint64_t boot_generation_ = 0; // a stop cancels a boot still pending
    std::uint64_t next_recovery_ = 1;
    common::WallClockAlarms* wall_alarms_ = nullptr;
};

// Reply payload with a status word first.
std::vector<std::uint8_t> status_reply(std::uint32_t status, std::size_t size = 4);

} // namespace aie4sim::models
