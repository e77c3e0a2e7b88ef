#include "pcie/ari_capability.h"

#include "pcie/config_regs.h"

namespace aie4sim::pcie {

std::uint16_t install_ari_capability(CapabilityChain& chain, ConfigSpace& config,
                                     std::uint8_t next_function) {
    const std::uint16_t base = chain.add_extended(reg::kExtCapAri, 1, kAriCapabilitySize);
    // ARI Capability: no MFVC or ACS function groups; Next Function Number in 15:8.
    config.define(base + 4, 2, std::uint16_t(next_function) << 8);
    config.define(base + 6, 2, 0); // ARI Control: function groups not supported
    return base;
}

} // namespace aie4sim::pcie
