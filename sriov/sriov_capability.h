#pragma once
// The SR-IOV extended capability (ID 0x0010) in a PF's configuration space, with the rules of
// the PCI-SIG SR-IOV specification (section 3.3):
//  - NumVFs may be written only while VF Enable is clear, and not above TotalVFs (such writes
//    are refused here and logged: the specification leaves them undefined);
//  - First VF Offset and VF Stride are recomputed whenever NumVFs or ARI Capable Hierarchy is
//    written;
//  - System Page Size accepts one supported size while VF Enable is clear; each VF BAR is then
//    at least that large, so its writable address bits follow;
//  - VF Enable creates or removes the VFs, VF MSE gates decode of every VF BAR aperture.

#include "pcie/bars.h"
#include "pcie/function.h"
#include "sriov/sriov_config.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace aie4sim::sriov {

namespace cap {
inline constexpr unsigned kSize = 0x40;
inline constexpr std::uint16_t kCapabilities = 0x04;
inline constexpr std::uint16_t kControl = 0x08;
inline constexpr std::uint16_t kStatus = 0x0A;
inline constexpr std::uint16_t kInitialVfs = 0x0C;
inline constexpr std::uint16_t kTotalVfs = 0x0E;
inline constexpr std::uint16_t kNumVfs = 0x10;
inline constexpr std::uint16_t kFunctionDependencyLink = 0x12;
inline constexpr std::uint16_t kFirstVfOffset = 0x14;
inline constexpr std::uint16_t kVfStride = 0x16;
inline constexpr std::uint16_t kVfDeviceId = 0x1A;
inline constexpr std::uint16_t kSupportedPageSizes = 0x1C;
inline constexpr std::uint16_t kSystemPageSize = 0x20;
inline constexpr std::uint16_t kVfBar0 = 0x24;
inline constexpr std::uint16_t kMigrationStateArray = 0x3C;

inline constexpr std::uint16_t kCtlVfEnable = 1u << 0;
inline constexpr std::uint16_t kCtlVfMigrationEnable = 1u << 1;
inline constexpr std::uint16_t kCtlVfMse = 1u << 3;
inline constexpr std::uint16_t kCtlAriCapableHierarchy = 1u << 4;
} // namespace cap

struct VfHit {
    unsigned vf = 0; // 1-based VF number
    unsigned bar = 0;
    std::uint64_t offset = 0;
};

class SriovCapability {
public:
    using EnableListener = std::function<void(bool enabled, unsigned num_vfs)>;
    using MseListener = std::function<void(bool enabled)>;

    SriovCapability(pcie::Function& pf, const SriovConfig& config);

    [[nodiscard]] std::uint16_t offset() const { return base_; }
    [[nodiscard]] const SriovConfig& config() const { return config_; }
    [[nodiscard]] bool vf_enabled() const;
    [[nodiscard]] bool vf_memory_enabled() const;
    [[nodiscard]] bool ari_capable_hierarchy() const;
    [[nodiscard]] unsigned num_vfs() const;
    [[nodiscard]] std::uint16_t first_vf_offset() const;
    [[nodiscard]] std::uint16_t vf_stride() const;
    [[nodiscard]] std::uint64_t system_page_size() const;
    // A VF BAR's aperture per VF: its size raised to the System Page Size.
    [[nodiscard]] std::uint64_t vf_bar_size(unsigned bar) const;
    [[nodiscard]] std::uint64_t vf_bar_base(unsigned bar) const;
    // The routing-ID offset (from the PF) of VF n (1-based).
    [[nodiscard]] unsigned routing_offset(unsigned vf) const;

    // Resolves a bus address inside VF BARn's aperture to (VF, BAR, offset); nothing when VF
    // Enable or VF MSE is clear or the address lies outside every aperture.
    [[nodiscard]] std::optional<VfHit> decode(std::uint64_t address, unsigned size) const;

    void on_enable_change(EnableListener l) { enable_listeners_.push_back(std::move(l)); }
    void on_mse_change(MseListener l) { mse_listeners_.push_back(std::move(l)); }

private:
    std::uint16_t at(std::uint16_t field) const {
        return static_cast<std::uint16_t>(base_ + field);
    }
    void install();
    std::uint64_t control_write(const pcie::RegisterWrite& w);
    void control_changed(std::uint64_t old_value, std::uint64_t new_value);
    std::uint64_t num_vfs_write(const pcie::RegisterWrite& w);
    std::uint64_t page_size_write(const pcie::RegisterWrite& w);
    void recompute_routing();
    void apply_page_size();
    void pf_reset();
    void notify_enable(bool enabled, unsigned num_vfs);

    pcie::Function& pf_;
    SriovConfig config_;
    pcie::ConfigSpace& space_;
    std::uint16_t base_ = 0;
    // What the VFs' owner was last told, so a PF reset that clears VF Enable is noticed.
    bool announced_enabled_ = false;
    unsigned announced_vfs_ = 0;
    std::vector<EnableListener> enable_listeners_;
    std::vector<MseListener> mse_listeners_;
};

} // namespace aie4sim::sriov
