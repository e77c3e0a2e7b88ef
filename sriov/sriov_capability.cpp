#include "sriov/sriov_capability.h"

#include "common/log.h"
#include "pcie/config_regs.h"

namespace aie4sim::sriov {

namespace {
constexpr const char* kLog = "sriov";
}

SriovCapability::SriovCapability(pcie::Function& pf, const SriovConfig& config)
    : pf_(pf), config_(config), space_(pf.config_space()) {
    validate_sriov_config(config_, std::string(pf.name()) + ".sriov");
    install();
    pf_.on_reset([this](pcie::ResetKind) { pf_reset(); });
}

void SriovCapability::install() {
    base_ = pf_.capability_chain().add_extended(pcie::reg::kExtCapSriov, 1, cap::kSize);
    // SR-IOV Capabilities: not migration capable; ARI Capable Hierarchy Preserved.
    space_.define(at(cap::kCapabilities), 4, 1u << 1);
    // Control: VF Enable, VF MSE and ARI Capable Hierarchy are RW (migration is not
    // supported, so its enables are RO 0). ARI Capable Hierarchy describes the hierarchy,
    // not the function, and survives an FLR of the PF.
    space_.define(at(cap::kControl), 2, 0,
                  cap::kCtlVfEnable | cap::kCtlVfMse | cap::kCtlAriCapableHierarchy, 0,
                  cap::kCtlAriCapableHierarchy);
    space_.add_register(
        at(cap::kControl), 2, [this](const pcie::RegisterWrite& w) { return control_write(w); },
        [this](std::uint64_t o, std::uint64_t n) { control_changed(o, n); });
    space_.define(at(cap::kStatus), 2, 0);
    // InitialVFs equals TotalVFs for a device that is not migration capable.
    space_.define(at(cap::kInitialVfs), 2, config_.total_vfs);
    space_.define(at(cap::kTotalVfs), 2, config_.total_vfs);
    space_.define(at(cap::kNumVfs), 2, 0, 0xFFFF);
    space_.add_register(
        at(cap::kNumVfs), 2, [this](const pcie::RegisterWrite& w) { return num_vfs_write(w); },
        [this](std::uint64_t, std::uint64_t) { recompute_routing(); });
    space_.define(at(cap::kFunctionDependencyLink), 1, pf_.index());
    space_.define(at(cap::kFirstVfOffset), 2, config_.routing.first_vf_offset);
    space_.define(at(cap::kVfStride), 2, config_.routing.vf_stride);
    space_.define(at(cap::kVfDeviceId), 2, config_.vf_device_id);
    space_.define(at(cap::kSupportedPageSizes), 4, config_.supported_page_sizes);
    space_.define(at(cap::kSystemPageSize), 4, 1, 0xFFFFFFFF);
    space_.add_register(
        at(cap::kSystemPageSize), 4,
        [this](const pcie::RegisterWrite& w) { return page_size_write(w); },
        [this](std::uint64_t, std::uint64_t) { apply_page_size(); });
    pcie::define_bar_registers(space_, at(cap::kVfBar0), config_.vf.bars);
    space_.define(at(cap::kMigrationStateArray), 4, 0);
}

bool SriovCapability::vf_enabled() const {
    return (space_.get(at(cap::kControl), 2) & cap::kCtlVfEnable) != 0;
}
bool SriovCapability::vf_memory_enabled() const {
    return (space_.get(at(cap::kControl), 2) & cap::kCtlVfMse) != 0;
}
bool SriovCapability::ari_capable_hierarchy() const {
    return (space_.get(at(cap::kControl), 2) & cap::kCtlAriCapableHierarchy) != 0;
}
unsigned SriovCapability::num_vfs() const {
    return static_cast<unsigned>(space_.get(at(cap::kNumVfs), 2));
}
std::uint16_t SriovCapability::first_vf_offset() const {
    return static_cast<std::uint16_t>(space_.get(at(cap::kFirstVfOffset), 2));
}
std::uint16_t SriovCapability::vf_stride() const {
    return static_cast<std::uint16_t>(space_.get(at(cap::kVfStride), 2));
}
std::uint64_t SriovCapability::system_page_size() const {
    const std::uint64_t bits = space_.get(at(cap::kSystemPageSize), 4);
    for (unsigned n = 0; n < 32; ++n) {
        if (bits & (std::uint64_t{1} << n)) {
            return std::uint64_t{4096} << n;
        }
    }
    return 4096;
}
std::uint64_t SriovCapability::vf_bar_size(unsigned bar) const {
    const pcie::BarConfig& b = config_.vf.bars[bar];
    return b.implemented() ? pcie::effective_bar_size(b, system_page_size()) : 0;
}
std::uint64_t SriovCapability::vf_bar_base(unsigned bar) const {
    return pcie::bar_base(space_, at(cap::kVfBar0), config_.vf.bars, bar);
}
unsigned SriovCapability::routing_offset(unsigned vf) const {
    return first_vf_offset() + (vf - 1) * vf_stride();
}

std::uint64_t SriovCapability::control_write(const pcie::RegisterWrite& w) {
    std::uint64_t value = w.masked_value;
    const bool was_enabled = (w.old_value & cap::kCtlVfEnable) != 0;
    const bool changes_ari = ((w.old_value ^ value) & cap::kCtlAriCapableHierarchy) != 0;
    if (changes_ari && (was_enabled || (value & cap::kCtlVfEnable))) {
        AIE4SIM_LOG(warn, kLog,
                    pf_.name() << ": ARI Capable Hierarchy cannot change while VF Enable is set "
                                  "(SR-IOV 3.3.3.5); keeping "
                               << ((w.old_value & cap::kCtlAriCapableHierarchy) ? 1 : 0));
        value = (value & ~std::uint64_t{cap::kCtlAriCapableHierarchy}) |
                (w.old_value & cap::kCtlAriCapableHierarchy);
    }
    return value;
}

void SriovCapability::control_changed(std::uint64_t old_value, std::uint64_t new_value) {
    if ((old_value ^ new_value) & cap::kCtlAriCapableHierarchy) {
        recompute_routing();
    }
    if ((old_value ^ new_value) & cap::kCtlVfMse) {
        const bool on = (new_value & cap::kCtlVfMse) != 0;
        AIE4SIM_LOG(debug, kLog, pf_.name() << ": VF Memory Space Enable " << on);
        for (const auto& l : mse_listeners_) {
            l(on);
        }
    }
    if ((old_value ^ new_value) & cap::kCtlVfEnable) {
        notify_enable((new_value & cap::kCtlVfEnable) != 0, num_vfs());
    }
}

std::uint64_t SriovCapability::num_vfs_write(const pcie::RegisterWrite& w) {
    if (w.masked_value == w.old_value) {
        return w.old_value;
    }
    if (vf_enabled()) {
        AIE4SIM_LOG(warn, kLog,
                    pf_.name() << ": NumVFs write of " << w.masked_value
                               << " refused: VF Enable is set (SR-IOV 3.3.7)");
        return w.old_value;
    }
    if (w.masked_value > config_.total_vfs) {
        AIE4SIM_LOG(warn, kLog,
                    pf_.name() << ": NumVFs write of " << w.masked_value
                               << " refused: above TotalVFs " << config_.total_vfs);
        return w.old_value;
    }
    return w.masked_value;
}

std::uint64_t SriovCapability::page_size_write(const pcie::RegisterWrite& w) {
    const std::uint64_t v = w.masked_value;
    if (v == w.old_value) {
        return v;
    }
    const bool one_hot = v != 0 && (v & (v - 1)) == 0;
    if (vf_enabled() || !one_hot || (v & config_.supported_page_sizes) == 0) {
        AIE4SIM_LOG(warn, kLog,
                    pf_.name() << ": System Page Size write of 0x" << std::hex << v << std::dec
                               << " refused ("
                               << (vf_enabled() ? "VF Enable is set" : "not one supported size")
                               << ")");
        return w.old_value;
    }
    return v;
}

void SriovCapability::recompute_routing() {
    const VfRouting& r = ari_capable_hierarchy() ? config_.ari_routing : config_.routing;
    space_.set(at(cap::kFirstVfOffset), 2, r.first_vf_offset);
    space_.set(at(cap::kVfStride), 2, r.vf_stride);
}

void SriovCapability::apply_page_size() {
    // Keep the programmed bases; only the writable (address) bits follow the new size.
    const std::uint64_t page = system_page_size();
    for (unsigned i = 0; i < pcie::kBarCount; ++i) {
        const pcie::BarConfig& b = config_.vf.bars[i];
        if (!b.implemented()) {
            continue;
        }
        const std::uint64_t size = pcie::effective_bar_size(b, page);
        const std::uint64_t mask = ~(size - 1) & ~std::uint64_t{0xF};
        const auto reg = static_cast<std::uint16_t>(at(cap::kVfBar0) + 4 * i);
        const unsigned width = b.is_64bit ? 8 : 4;
        space_.set_writable(reg, width, b.is_64bit ? mask : (mask & 0xFFFFFFFF));
        const std::uint64_t type = space_.get(reg, width) & 0xF;
        const std::uint64_t base = space_.get(reg, width) & mask;
        space_.set(reg, width, base | type);
    }
}

void SriovCapability::notify_enable(bool enabled, unsigned n) {
    if (enabled == announced_enabled_ && (!enabled || n == announced_vfs_)) {
        return;
    }
    AIE4SIM_LOG(info, kLog,
                pf_.name() << ": VF Enable " << (enabled ? "set with NumVFs " : "cleared")
                           << (enabled ? std::to_string(n) : std::string()));
    announced_enabled_ = enabled;
    announced_vfs_ = enabled ? n : 0;
    for (const auto& l : enable_listeners_) {
        l(enabled, n);
    }
}

void SriovCapability::pf_reset() {
    // The PF's reset returned the capability's registers to their reset values: VF Enable is
    // clear, so the VFs are gone; the routing and the VF BAR masks follow the reset values.
    recompute_routing();
    apply_page_size();
    for (const auto& l : mse_listeners_) {
        l(vf_memory_enabled());
    }
    notify_enable(vf_enabled(), num_vfs());
}

std::optional<VfHit> SriovCapability::decode(std::uint64_t address, unsigned size) const {
    if (!vf_enabled() || !vf_memory_enabled() || num_vfs() == 0) {
        return std::nullopt;
    }
    std::uint64_t index = 0;
    auto hit = pcie::decode_bars(space_, at(cap::kVfBar0), config_.vf.bars, address, size,
                                 num_vfs(), system_page_size(), &index);
    if (!hit) {
        return std::nullopt;
    }
    return VfHit{static_cast<unsigned>(index) + 1, hit->bar, hit->offset};
}

} // namespace aie4sim::sriov
