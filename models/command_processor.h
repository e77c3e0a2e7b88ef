#pragma once
// The command processor (the "CERT" firmware's job on silicon): for each hardware context it
// reads the user-mode queue in host memory when the doorbell rings (XRT 2.25's queue 1.0:
// models/queue/host_queue.h), decodes each packet (direct, indirect with one exec_buf per uC,
// runlist members), runs each uC's control code on its column of the context's partition under
// the scheduling policy (aie_tiles/cert), completes the command (ERT state in the command BO,
// ABORT for the rest of a failed runlist, a trace record if asked), mirrors write_index where
// the 7.3.4 kernel reads it, advances read_index and raises the context's MSI-X vector.
// Contract: docs/command-processor.md.

#include "aie_tiles/aie_array.h"
#include "aie_tiles/cert/cert_runner.h"
#include "models/column_arbiter.h"
#include "models/context_registry.h"
#include "models/device_observer.h"
#include "models/firmware/firmware.h"
#include "models/queue/host_queue.h"
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
                     tiles::AieArray& array, Firmware& firmware, ContextRegistry& contexts,
                     const SchedulerConfig& scheduler, const ColumnPlan& columns);
    ~CommandProcessor() override;

    // The processor's DMA path for VF n (bind to that function's DmaMux).
    tlm_utils::simple_initiator_socket<CommandProcessor>& dma(unsigned vf);
    void doorbell(unsigned function, std::uint32_t offset, std::uint32_t value);

    void context_removed(ContextRecord& context) override;

    // The array columns a context's commands run on.
    [[nodiscard]] std::optional<ColumnRange> columns_of(const HwContext& context) const;
    [[nodiscard]] const VfStatistics& statistics(unsigned vf) const { return stats_.at(vf); }
    [[nodiscard]] const ColumnArbiter& arbiter() const { return arbiter_; }
    // Who watches the commands (timelines); null when nobody does.
    void set_observer(DeviceObserver* observer) { observer_ = observer; }

private:
    using Context = ContextRecord;
    struct Outcome {
        tiles::cert::Status status = tiles::cert::Status::ok;
        std::uint32_t state = 0; // ERT state written back
        std::string error;
        std::uint64_t cycles = 0;
        sc_core::sc_time start = sc_core::SC_ZERO_TIME;
        sc_core::sc_time end = sc_core::SC_ZERO_TIME;
    };

    void engine(unsigned vf);
    std::shared_ptr<Context> next_ready(unsigned vf);
    bool serve_one(Context& context);
    Outcome execute(Context& context, const hq::Command& command);
    void complete(Context& context, const hq::Command& command, const Outcome& outcome);
    void fail_context(Context& context, const std::string& why);
    // Whether a context that just finished a command keeps its columns for its next one.
    [[nodiscard]] bool keeps_columns(const Context& context) const;
    void release_columns(Context& context);
    bool dma(unsigned vf, bool write, std::uint64_t address, void* data, std::size_t size);
    std::string name_of(const Context& context) const;

    sriov::Endpoint& endpoint_;
    tiles::AieArray& array_;
    Firmware& firmware_;
    SchedulerConfig scheduler_;
    const ColumnPlan& columns_; // the device's, which outlives this processor
    tiles::cert::CertRunner cert_;
    ColumnArbiter arbiter_;
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<CommandProcessor>>> dma_;
    ContextRegistry& contexts_; // the device's, which the firmware fills
    std::vector<std::size_t> round_robin_;
    std::vector<std::unique_ptr<sc_core::sc_event>> work_;
    std::vector<VfStatistics> stats_;
    DeviceObserver* observer_ = nullptr;
};

} // namespace aie4sim::models
