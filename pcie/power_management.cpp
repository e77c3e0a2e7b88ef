#include "pcie/power_management.h"

#include "pcie/config_regs.h"

namespace aie4sim::pcie {

std::uint16_t install_power_management(CapabilityChain& chain, ConfigSpace& config) {
    const std::uint16_t base = chain.add(reg::kCapPowerManagement, pm::kSize);
    // PMC: version 3 (PM 1.2); no D1/D2, no PME, no auxiliary current.
    config.define(base + pm::kCapabilities, 2, 0x0003);
    // PMCSR: PowerState (1:0) RW, No_Soft_Reset (3) set.
    config.define(base + pm::kControlStatus, 2, 1u << 3, 0x0003);
    config.add_register(base + pm::kControlStatus, 2, [](const RegisterWrite& w) {
        const auto state = static_cast<unsigned>(w.masked_value & 3);
        if (state != pm::kD0 && state != pm::kD3hot) {
            return w.old_value;
        }
        return w.masked_value;
    });
    config.define(base + 6, 2, 0); // PMCSR_BSE and Data: not implemented
    return base;
}

} // namespace aie4sim::pcie
