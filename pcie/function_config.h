#pragma once
// What a PCIe function is: identity, BARs, MSI-X geometry and optional capabilities. Plain
// data, filled from the device description (JSON) or by code; validate() rejects impossible
// combinations with a message that names the field.

#include "common/config_node.h"

#include <array>
#include <cstdint>
#include <string>

namespace aie4sim::pcie {

inline constexpr unsigned kBarCount = 6;

struct BarConfig {
    std::uint64_t size = 0; // bytes; 0 means the BAR is not implemented
    bool is_64bit = false;  // takes this BAR slot and the next one
    bool prefetchable = false;

    [[nodiscard]] bool implemented() const { return size != 0; }
};
using BarLayout = std::array<BarConfig, kBarCount>;

struct MsixConfig {
    unsigned vectors = 0; // 0: no MSI-X capability
    unsigned table_bar = 0;
    std::uint32_t table_offset = 0;
    unsigned pba_bar = 0;
    std::uint32_t pba_offset = 0;
};

struct FunctionIdentity {
    std::uint16_t vendor_id = 0;
    std::uint16_t device_id = 0;
    std::uint8_t revision = 0;
    std::uint32_t class_code = 0; // base class, subclass, programming interface
    std::uint16_t subsystem_vendor_id = 0;
    std::uint16_t subsystem_id = 0;
};

struct LinkConfig {
    unsigned max_speed = 4; // 1 = 2.5 GT/s ... 4 = 16 GT/s (Link Capabilities encoding)
    unsigned max_width = 4; // lanes
};

struct FunctionConfig {
    FunctionIdentity identity;
    BarLayout bars;
    MsixConfig msix;
    LinkConfig link;
    unsigned max_payload_supported = 2; // Device Capabilities encoding: 128 << n bytes
    bool power_management = true;
    bool flr = true;
    bool ari = false; // ARI extended capability
};

// Reads the fields present in `node` on top of `defaults`. `bars`, when present, replaces the
// whole BAR layout. Throws common::ConfigError naming the field.
FunctionConfig parse_function_config(const common::ConfigNode& node,
                                     const FunctionConfig& defaults);
BarLayout parse_bar_layout(const common::ConfigNode& parent, std::string_view key,
                           const BarLayout& defaults);
MsixConfig parse_msix_config(const common::ConfigNode& node, const MsixConfig& defaults);

// Checks BAR sizes, 64-bit pairs, and that the MSI-X table and PBA fit their BARs without
// overlapping. `path` prefixes the field names in messages (e.g. "pcie").
void validate_bars(const BarLayout& bars, const std::string& path);
void validate_msix(const MsixConfig& msix, const BarLayout& bars, const std::string& path);
void validate_function_config(const FunctionConfig& config, const std::string& path);

[[nodiscard]] std::uint64_t msix_table_bytes(unsigned vectors);
[[nodiscard]] std::uint64_t msix_pba_bytes(unsigned vectors);

} // namespace aie4sim::pcie
