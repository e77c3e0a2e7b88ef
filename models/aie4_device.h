#pragma once
// The emulated AIE4 NPU: an SR-IOV endpoint (PF and VFs), the register blocks behind each
// function's BARs, the firmware that gives them meaning, the tile array, and the command
// processor that runs the VFs' queued work on the array.
//
// Per function:  BAR0  0x0000 mailbox head/tail registers, 0x8000 MSI-X table, 0x9000 PBA,
//                      0xF000 test block (docs/test-block.md)
//                BAR2  0x0000 SRAM: mailbox_info, x2i ring (0x1000), i2x ring (0x5000);
//                      0x10000 + 0x1000 * n: doorbell page of hardware context slot n
// PF only:       BAR4  PSP registers;  BAR5  SMU registers

#include "aie_tiles/aie_array.h"
#include "models/bar_router.h"
#include "models/command_processor.h"
#include "models/context_registry.h"
#include "models/device_config.h"
#include "models/dma_mux.h"
#include "models/firmware/doorbells.h"
#include "models/firmware/firmware.h"
#include "models/firmware/mailbox.h"
#include "models/firmware/psp.h"
#include "models/firmware/smu.h"
#include "models/host_router.h"
#include "models/sparse_memory.h"
#include "models/test_block.h"
#include "sriov/endpoint.h"

#include <functional>
#include <memory>
#include <systemc>
#include <vector>

namespace aie4sim::models {

class Aie4Device : public sc_core::sc_module {
public:
    Aie4Device(const sc_core::sc_module_name& name, const DeviceConfig& config);
    ~Aie4Device() override;

    [[nodiscard]] sriov::Endpoint& endpoint() { return *endpoint_; }
    [[nodiscard]] Firmware& firmware() { return *firmware_; }
    [[nodiscard]] tiles::AieArray& array() { return *array_; }
    [[nodiscard]] CommandProcessor& commands() { return *commands_; }
    // The hardware contexts the firmware created, as the command processor serves them.
    [[nodiscard]] const ContextRegistry& contexts() const { return contexts_; }
    [[nodiscard]] const DeviceConfig& config() const { return config_; }
    [[nodiscard]] const ColumnPlan& columns() const { return columns_; }
    [[nodiscard]] Mailbox& mailbox(unsigned function) { return *functions_.at(function).mailbox; }
    [[nodiscard]] SparseMemory& sram(unsigned function) { return *functions_.at(function).sram; }
    // The device-side DMA path of a function: bind initiators here.
    [[nodiscard]] DmaMux& dma(unsigned function) { return *functions_.at(function).dma; }

private:
    struct FunctionBlocks {
        std::unique_ptr<DmaMux> dma;
        std::unique_ptr<BarRouter> bar0;
        std::unique_ptr<BarRouter> bar2;
        std::unique_ptr<SparseMemory> sram;
        std::unique_ptr<Mailbox> mailbox;
        std::unique_ptr<Doorbells> doorbells;
        std::unique_ptr<TestBlock> test;
    };
    void build_function(pcie::Function& function, FunctionBlocks& blocks);

    DeviceConfig config_;
    ColumnPlan columns_; // after config_: made from it
    std::unique_ptr<sriov::Endpoint> endpoint_;
    std::vector<FunctionBlocks> functions_; // [0] = PF, [n] = VF n
    ContextRegistry contexts_;
    std::unique_ptr<Firmware> firmware_;
    std::unique_ptr<Psp> psp_;
    std::unique_ptr<Smu> smu_;
    std::unique_ptr<tiles::AieArray> array_;
    std::unique_ptr<HostRouter> array_host_;
    std::unique_ptr<CommandProcessor> commands_;
};

} // namespace aie4sim::models
