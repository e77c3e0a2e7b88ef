#pragma once
// The ARI extended capability (ID 0x000E): lets a device use function numbers up to 255.
// Every function of an ARI device carries one; Next Function Number links the PFs (a single-PF
// device has 0) and VFs leave it 0 because they are not part of the PF chain.

#include "pcie/capability_chain.h"

namespace aie4sim::pcie {

inline constexpr unsigned kAriCapabilitySize = 8;

std::uint16_t install_ari_capability(CapabilityChain& chain, ConfigSpace& config,
                                     std::uint8_t next_function);

} // namespace aie4sim::pcie
