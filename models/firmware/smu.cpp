#include "models/firmware/smu.h"

#include <cstring>

namespace aie4sim::models {

Smu::Smu(const sc_core::sc_module_name& name, Firmware& firmware)
    : sc_core::sc_module(name), registers("registers"), firmware_(firmware) {
    registers.register_b_transport(this, &Smu::transport);
}

void Smu::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    const auto offset = static_cast<std::uint32_t>(trans.get_address());
    if (trans.get_data_length() != 4 || (offset & 3) != 0) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    std::uint32_t value = 0;
    if (trans.is_read()) {
        auto it = regs_.find(offset);
        value = it == regs_.end() ? 0 : it->second;
        std::memcpy(trans.get_data_ptr(), &value, 4);
    } else {
        std::memcpy(&value, trans.get_data_ptr(), 4);
        regs_[offset] = value;
        if (offset == smu::kInterrupt && value == 1) {
            // Commands complete at once: the response is there when the driver first looks.
            regs_[smu::kResponse] = firmware_.smu_command(regs_[smu::kCommand], regs_[smu::kArgument]);
        }
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace aie4sim::models
