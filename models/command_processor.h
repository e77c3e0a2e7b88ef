#pragma once
// The command processor (the "CERT" firmware's job on silicon): for each hardware context it
// reads the user-mode queue in host memory when the doorbell rings, follows each EXEC_BUF
// packet (or the START_DPU command it points to) to its control code and arguments, runs the
// control code on the context's columns of the tile array under the scheduling policy,
// completes the command (ERT state in the command BO, a trace record if asked), advances the
// queue's read_index and raises the context's job-completion MSI-X vector.
// Contract: docs/command-processor.md.

#include "aie_tiles/aie_array.h"
#include "aie_tiles/control_code_runner.h"
#include "models/column_arbiter.h"
#include "models/device_observer.h"
#include "models/firmware/firmware.h"
#include "models/host_queue.h"
#include "models/scheduler_config.h"
#include "sriov/endpoint.h"

#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

namespace aie4sim::models {

struct VfStatistics {
    std::uint64_t commands = 0;
    std::uint64_t errors = 0;
    std::uint64_t array_cycles = 0;
    sc_core::sc_time busy = sc_core::SC_ZERO_TIME; // time on the array
    sc_core::sc_time first_start = sc_core::SC_ZERO_TIME;
    sc_core::sc_time last_end = sc_core::SC_ZERO_TIME;
};

class CommandProcessor : public sc_core::sc_module, public ContextListener {
public:
    CommandProcessor(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
                     tiles::AieArray& array, Firmware& firmware, const SchedulerConfig& scheduler);
    ~CommandProcessor() override;

    // The processor's DMA path for VF n (bind to that function's DmaMux).
    tlm_utils::simple_initiator_socket<CommandProcessor>& dma(unsigned vf);
    void doorbell(unsigned function, std::uint32_t offset, std::uint32_t value);

    void context_created(const HwContext& context) override;
    void context_destroyed(const HwContext& context) override;

    // The array columns a context's commands run on.
    [[nodiscard]] std::optional<ColumnRange> columns_of(const HwContext& context) const;
    [[nodiscard]] const VfStatistics& statistics(unsigned vf) const { return stats_.at(vf); }
    [[nodiscard]] const ColumnArbiter& arbiter() const { return arbiter_; }
    // Who watches the commands (timelines); null when nobody does.
    void set_observer(DeviceObserver* observer) { observer_ = observer; }

private:
    struct Context {
        HwContext info;
        // Who last used the array, as the arbiter sees it: unique for the model's lifetime,
        // because context ids restart after an FLR or DESTROY_VFS and the array must still be
        // cleared for the new context.
        std::uint64_t owner = 0;
        std::uint64_t consumed = 0;
        bool kicked = false;
        bool failed = false;
        bool destroyed = false;
    };
    struct Outcome {
        tiles::ControlCodeStatus status = tiles::ControlCodeStatus::ok;
        std::string error;
        std::uint64_t cycles = 0;
        sc_core::sc_time start = sc_core::SC_ZERO_TIME;
        sc_core::sc_time end = sc_core::SC_ZERO_TIME;
    };

    void engine(unsigned vf);
    std::shared_ptr<Context> next_ready(unsigned vf);
    bool serve_one(Context& context);
    Outcome execute(Context& context, const hq::Packet& packet);
    void complete(Context& context, const hq::Packet& packet, const Outcome& outcome);
    void fail_context(Context& context, const std::string& why);
    bool dma(unsigned vf, bool write, std::uint64_t address, void* data, std::size_t size);
    std::string name_of(const Context& context) const;

    sriov::Endpoint& endpoint_;
    tiles::AieArray& array_;
    Firmware& firmware_;
    SchedulerConfig scheduler_;
    tiles::ControlCodeRunner runner_;
    ColumnArbiter arbiter_;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<CommandProcessor>>> dma_;
    std::vector<std::vector<std::shared_ptr<Context>>> contexts_; // [vf]
    std::vector<std::size_t> round_robin_;
    std::vector<std::unique_ptr<sc_core::sc_event>> work_;
    std::vector<VfStatistics> stats_;
    std::uint64_t next_owner_ = 1;
    DeviceObserver* observer_ = nullptr;
};

} // namespace aie4sim::models
