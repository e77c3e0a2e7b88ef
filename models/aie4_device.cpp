#include "models/aie4_device.h"

#include "common/log.h"

namespace aie4sim::models {

Aie4Device::Aie4Device(const sc_core::sc_module_name& name, const DeviceConfig& config)
    : sc_core::sc_module(name), config_(config),
      columns_(config_.scheduler, config_.sriov.total_vfs, config_.aie.geometry.columns),
      endpoint_(std::make_unique<sriov::Endpoint>("endpoint", config.pf, config.sriov)),
      functions_(config.sriov.total_vfs + 1), contexts_(config.sriov.total_vfs + 1) {
    validate_device_config(config_);
    build_function(endpoint_->pf(), functions_[0]);
    for (unsigned n = 1; n <= endpoint_->total_vfs(); ++n) {
        build_function(endpoint_->vf(n), functions_[n]);
    }
    std::vector<Mailbox*> mailboxes;
    for (FunctionBlocks& f : functions_) {
        mailboxes.push_back(f.mailbox.get());
    }
    const unsigned total_vfs = endpoint_->total_vfs();
    auto columns_of = [this](unsigned vf) { return columns_.of(vf); };
    firmware_ = std::make_unique<Firmware>("firmware", *endpoint_, contexts_, mailboxes,
                                           config_.firmware, config_.aie.geometry, columns_of,
                                           layout::kDoorbellBase, layout::kDoorbellStride);
    firmware_->pf_dma.bind(functions_[0].dma->in);
    psp_ = std::make_unique<Psp>("psp", *firmware_, config_.firmware.psp_command_time);
    psp_->dma.bind(functions_[0].dma->in);
    endpoint_->pf().app_bar(4).bind(psp_->registers);
    smu_ = std::make_unique<Smu>("smu", *firmware_);
    endpoint_->pf().app_bar(5).bind(smu_->registers);
    // The array's shim DMA goes out through the VF that owns the columns.
    array_ = std::make_unique<tiles::AieArray>("array", config_.aie);
    array_host_ = std::make_unique<HostRouter>("array_host", total_vfs + 1);
    array_->host.bind(array_host_->in);
    commands_ = std::make_unique<CommandProcessor>("commands", *endpoint_, *array_, *firmware_,
                                                   contexts_, config_.scheduler, columns_);
    for (unsigned f = 0; f <= total_vfs; ++f) {
        array_host_->out(f).bind(functions_[f].dma->in);
        commands_->dma(f).bind(functions_[f].dma->in);
    }
    endpoint_->pf().on_reset([this](pcie::ResetKind kind) {
        if (kind == pcie::ResetKind::cold) {
            psp_->reset();
            smu_->reset();
        }
    });
}

Aie4Device::~Aie4Device() = default;

void Aie4Device::build_function(pcie::Function& function, FunctionBlocks& blocks) {
    const unsigned index = function.index();
    const std::string prefix = index == 0 ? "pf" : "vf" + std::to_string(index);
    const pcie::BarLayout& bars = function.function_config().bars;

    blocks.dma = std::make_unique<DmaMux>((prefix + "_dma").c_str());
    blocks.dma->out.bind(function.dma_in);

    blocks.sram = std::make_unique<SparseMemory>((prefix + "_sram").c_str(), layout::kSramSize);
    blocks.mailbox =
        std::make_unique<Mailbox>((prefix + "_mailbox").c_str(), function, *blocks.sram,
                                  MailboxLayout{}, config_.firmware.message_time);
    blocks.bar0 = std::make_unique<BarRouter>((prefix + "_bar0").c_str(), bars[0].size);
    function.app_bar(0).bind(blocks.bar0->target);
    blocks.bar0->map(layout::kMailboxRegisters, kMailboxRegisterWindow, "mailbox")
        .bind(blocks.mailbox->registers);
    blocks.test = std::make_unique<TestBlock>((prefix + "_test").c_str(), function);
    blocks.test->dma.bind(blocks.dma->in);
    blocks.bar0->map(test_block::kBar0Offset, test_block::kSize, "test").bind(blocks.test->target);

    blocks.bar2 = std::make_unique<BarRouter>((prefix + "_bar2").c_str(), bars[2].size);
    function.app_bar(2).bind(blocks.bar2->target);
    blocks.bar2->map(0, layout::kSramSize, "sram").bind(blocks.sram->target);
    const std::uint32_t doorbell_bytes = config_.firmware.max_contexts * layout::kDoorbellStride;
    blocks.doorbells =
        std::make_unique<Doorbells>((prefix + "_doorbells").c_str(), layout::kDoorbellBase);
    blocks.bar2->map(layout::kDoorbellBase, doorbell_bytes, "doorbells")
        .bind(blocks.doorbells->target);
    blocks.doorbells->on_ring([this, index](std::uint32_t offset, std::uint32_t value) {
        commands_->doorbell(index, offset, value);
    });
}

} // namespace aie4sim::models
