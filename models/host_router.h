#pragma once
// Routes the tile array's host-memory traffic (shim DMA) to the PCIe function that owns the
// columns: the array tags each access with its column's owner (the VF index), and the access
// then goes through that VF's DMA path, so its Bus Master Enable and the host's IOMMU apply.

#include "aie_tiles/host_requester_extension.h"

#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::models {

class HostRouter : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostRouter> in;

    HostRouter(const sc_core::sc_module_name& name, unsigned functions);
    tlm_utils::simple_initiator_socket<HostRouter>& out(unsigned function) {
        return *out_.at(function);
    }

private:
    void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    std::vector<std::unique_ptr<tlm_utils::simple_initiator_socket<HostRouter>>> out_;
};

} // namespace aie4sim::models
