#include "models/aie4_device.h"

namespace aie4sim::models {

Aie4Device::Aie4Device(const sc_core::sc_module_name& name, const DeviceConfig& config)
    : sc_core::sc_module(name), config_(config),
      endpoint_(std::make_unique<sriov::Endpoint>("endpoint", config.pf, config.sriov)),
      functions_(config.sriov.total_vfs + 1) {
    build_function(endpoint_->pf(), functions_[0]);
    for (unsigned n = 1; n <= endpoint_->total_vfs(); ++n) {
        build_function(endpoint_->vf(n), functions_[n]);
    }
}

Aie4Device::~Aie4Device() = default;

void Aie4Device::build_function(pcie::Function& function, FunctionBlocks& blocks) {
    const std::string prefix = function.index() == 0 ? "pf" : "vf" + std::to_string(function.index());
    const pcie::BarLayout& bars = function.function_config().bars;
    blocks.bar0 = std::make_unique<BarRouter>((prefix + "_bar0").c_str(), bars[0].size);
    function.app_bar(0).bind(blocks.bar0->target);
    // Registers below the MSI-X table; the test block in the BAR's last 4 KiB.
    blocks.registers = std::make_unique<SparseMemory>((prefix + "_registers").c_str(), 0x8000);
    blocks.bar0->map(0, 0x8000, "registers").bind(blocks.registers->target);
    blocks.test = std::make_unique<TestBlock>((prefix + "_test").c_str(), function);
    blocks.bar0->map(test_block::kBar0Offset, test_block::kSize, "test").bind(blocks.test->target);
    blocks.sram = std::make_unique<SparseMemory>((prefix + "_sram").c_str(), bars[2].size);
    function.app_bar(2).bind(blocks.sram->target);
    for (unsigned b : {4u, 5u}) {
        if (bars[b].implemented()) {
            blocks.extra.push_back(std::make_unique<SparseMemory>(
                (prefix + "_bar" + std::to_string(b)).c_str(), bars[b].size));
            function.app_bar(b).bind(blocks.extra.back()->target);
        }
    }
}

} // namespace aie4sim::models
