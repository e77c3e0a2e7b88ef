#pragma once
// The device's internal path to one function's outbound port: every block that issues DMA or
// MSI-X traffic on behalf of the function (the firmware, the PSP, the command processor, the
// tile array's shim DMA, the test block) binds here, and the function sees one requester.

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

namespace aie4sim::models {

class DmaMux : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<DmaMux, 32, tlm::tlm_base_protocol_types, 0,
                                               sc_core::SC_ZERO_OR_MORE_BOUND>
        in;
    tlm_utils::simple_initiator_socket<DmaMux> out;

    explicit DmaMux(const sc_core::sc_module_name& name)
        : sc_core::sc_module(name), in("in"), out("out") {
        in.register_b_transport(this, &DmaMux::forward);
    }

private:
    void forward(int /*port*/, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
        out->b_transport(trans, delay);
    }
};

} // namespace aie4sim::models
