#pragma once
// The PCI Express capability (ID 0x10, version 2) of an endpoint or a VF: Device
// Capabilities (with Function Level Reset Capability), Device Control (with Initiate FLR,
// which acts on the written bit and reads as 0), Device Status (RW1C error bits), Link
// registers, and the version-2 "2" registers. VF fields that the SR-IOV specification makes
// RsvdP (governed by the PF) are read-only zero here.

#include "pcie/capability_chain.h"
#include "pcie/function_config.h"

#include <functional>

namespace aie4sim::pcie {

namespace express {
inline constexpr unsigned kSize = 0x3C;
inline constexpr std::uint16_t kCapabilities = 0x02;
inline constexpr std::uint16_t kDeviceCapabilities = 0x04;
inline constexpr std::uint16_t kDeviceControl = 0x08;
inline constexpr std::uint16_t kDeviceStatus = 0x0A;
inline constexpr std::uint16_t kLinkCapabilities = 0x0C;
inline constexpr std::uint16_t kLinkControl = 0x10;
inline constexpr std::uint16_t kLinkStatus = 0x12;
inline constexpr std::uint16_t kDeviceCapabilities2 = 0x24;
inline constexpr std::uint16_t kDeviceControl2 = 0x28;
inline constexpr std::uint16_t kLinkCapabilities2 = 0x2C;
inline constexpr std::uint16_t kLinkControl2 = 0x30;

inline constexpr std::uint32_t kDevCapFlr = 1u << 28;
inline constexpr std::uint16_t kDevCtlInitiateFlr = 1u << 15;
inline constexpr std::uint16_t kDevStaCorrectable = 1u << 0;
inline constexpr std::uint16_t kDevStaNonFatal = 1u << 1;
inline constexpr std::uint16_t kDevStaFatal = 1u << 2;
inline constexpr std::uint16_t kDevStaUnsupportedRequest = 1u << 3;
} // namespace express

enum class FunctionKind { physical, virtual_function };

// Installs the capability; `initiate_flr` runs when software writes 1 to Initiate FLR.
std::uint16_t install_express_capability(CapabilityChain& chain, ConfigSpace& config,
                                         const FunctionConfig& function, FunctionKind kind,
                                         std::function<void()> initiate_flr);

} // namespace aie4sim::pcie
