#include "models/firmware/doorbells.h"

#include <cstring>

namespace aie4sim::models {

Doorbells::Doorbells(const sc_core::sc_module_name& name, std::uint32_t bar_offset)
    : sc_core::sc_module(name), target("target"), bar_offset_(bar_offset) {
    target.register_b_transport(this, &Doorbells::transport);
}

void Doorbells::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    if (trans.is_read()) {
        std::memset(trans.get_data_ptr(), 0, trans.get_data_length());
    } else if (trans.get_data_length() == 4) {
        std::uint32_t value = 0;
        std::memcpy(&value, trans.get_data_ptr(), 4);
        ++rings_;
        if (ring_) {
            ring_(bar_offset_ + static_cast<std::uint32_t>(trans.get_address()), value);
        }
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace aie4sim::models
