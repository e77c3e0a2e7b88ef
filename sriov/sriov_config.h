#pragma once
// What an SR-IOV PF offers: how many VFs, their Device ID, where their routing IDs fall
// (First VF Offset and VF Stride, with and without ARI Capable Hierarchy), the page sizes the
// device supports, and what each VF is (its BARs, MSI-X and capabilities).

#include "common/config_node.h"
#include "pcie/function_config.h"

#include <cstdint>
#include <string>

namespace aie4sim::sriov {

struct VfRouting {
    std::uint16_t first_vf_offset = 1;
    std::uint16_t vf_stride = 1;
};

struct SriovConfig {
    unsigned total_vfs = 4;
    std::uint16_t vf_device_id = 0;
    VfRouting routing;     // ARI Capable Hierarchy clear
    VfRouting ari_routing; // ARI Capable Hierarchy set
    // Bit n means a page size of 4 KiB << n; the specification requires 4K, 8K, 64K, 256K,
    // 1M and 4M (0x553).
    std::uint32_t supported_page_sizes = 0x553;
    // The VFs: identity fields used are revision and subsystem_id (vendor, class and
    // subsystem vendor are the PF's); bars are the VF BARn sizes of one VF.
    pcie::FunctionConfig vf;
};

// The highest routing-ID offset (relative to the PF) a VF may take: one bus of functions.
inline constexpr unsigned kMaxRoutingOffset = 255;

SriovConfig parse_sriov_config(const common::ConfigNode& node, const SriovConfig& defaults);
void validate_sriov_config(const SriovConfig& config, const std::string& path);

// The VF's FunctionConfig as the VF functions are built: PF identity where the SR-IOV
// specification says VFs share it.
pcie::FunctionConfig vf_function_config(const SriovConfig& sriov, const pcie::FunctionConfig& pf);

} // namespace aie4sim::sriov
