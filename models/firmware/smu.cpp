#include "models/firmware/smu.h"

namespace aie4sim::models {

Smu::Smu(const sc_core::sc_module_name& name, Firmware& firmware)
    : sc_core::sc_module(name), registers("registers"), firmware_(firmware) {
    registers.register_b_transport(this, &Smu::transport);
}

void Smu::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    regs_.serve(trans, [this](std::uint32_t offset, std::uint32_t value) {
        regs_[offset] = value;
        if (offset == smu::kInterrupt && value == 1) {
            // Commands complete at once: the response is there when the driver first looks.
            regs_[smu::kResponse] =
                firmware_.smu_command(regs_[smu::kCommand], regs_[smu::kArgument]);
        }
    });
}

} // namespace aie4sim::models
