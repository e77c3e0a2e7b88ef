#pragma once
// The PCI Power Management capability (ID 0x01, PCI PM 1.2): D0 and D3hot only. A write of an
// unsupported power state completes but changes nothing (as the PM specification requires);
// No_Soft_Reset is set, so D3hot -> D0 keeps the function's state.

#include "pcie/capability_chain.h"

namespace aie4sim::pcie {

namespace pm {
inline constexpr unsigned kSize = 8;
inline constexpr std::uint16_t kCapabilities = 0x02;
inline constexpr std::uint16_t kControlStatus = 0x04;
inline constexpr unsigned kD0 = 0;
inline constexpr unsigned kD3hot = 3;
} // namespace pm

std::uint16_t install_power_management(CapabilityChain& chain, ConfigSpace& config);

} // namespace aie4sim::pcie
