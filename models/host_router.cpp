#include "models/host_router.h"

#include "common/log.h"

namespace aie4sim::models {

HostRouter::HostRouter(const sc_core::sc_module_name& name, unsigned functions)
    : sc_core::sc_module(name), in("in") {
    in.register_b_transport(this, &HostRouter::transport);
    for (unsigned f = 0; f < functions; ++f) {
        out_.push_back(std::make_unique<tlm_utils::simple_initiator_socket<HostRouter>>(
            ("out" + std::to_string(f)).c_str()));
    }
}

void HostRouter::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    auto* tag = trans.get_extension<tiles::HostRequesterExtension>();
    const unsigned function = tag != nullptr ? tag->tag : 0;
    if (tag == nullptr || function == 0 || function >= out_.size()) {
        AIE4SIM_LOG(error, "array",
                    "shim DMA at 0x" << std::hex << trans.get_address() << std::dec
                                     << " from columns owned by no VF: refused");
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    (*out_[function])->b_transport(trans, delay);
}

} // namespace aie4sim::models
