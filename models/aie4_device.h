#pragma once
// The emulated AIE4 NPU: an SR-IOV endpoint (PF and VFs) and, behind each function's BARs, the
// device's register blocks.

#include "models/bar_router.h"
#include "models/device_config.h"
#include "models/sparse_memory.h"
#include "models/test_block.h"
#include "sriov/endpoint.h"

#include <systemc>

#include <memory>
#include <vector>

namespace aie4sim::models {

class Aie4Device : public sc_core::sc_module {
public:
    Aie4Device(const sc_core::sc_module_name& name, const DeviceConfig& config);
    ~Aie4Device() override;

    [[nodiscard]] sriov::Endpoint& endpoint() { return *endpoint_; }
    [[nodiscard]] const DeviceConfig& config() const { return config_; }

private:
    // What sits behind one function's BARs.
    struct FunctionBlocks {
        std::unique_ptr<BarRouter> bar0;
        std::unique_ptr<SparseMemory> registers;
        std::unique_ptr<TestBlock> test;
        std::unique_ptr<SparseMemory> sram;
        std::vector<std::unique_ptr<SparseMemory>> extra; // PF BAR4/BAR5 for now
    };
    void build_function(pcie::Function& function, FunctionBlocks& blocks);

    DeviceConfig config_;
    std::unique_ptr<sriov::Endpoint> endpoint_;
    std::vector<FunctionBlocks> functions_; // [0] = PF, [n] = VF n
};

} // namespace aie4sim::models
