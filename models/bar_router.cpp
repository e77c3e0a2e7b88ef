#include "models/bar_router.h"

#include <stdexcept>

namespace aie4sim::models {

BarRouter::BarRouter(const sc_core::sc_module_name& name, std::uint64_t size)
    : sc_core::sc_module(name), target("target"), size_(size) {
    target.register_b_transport(this, &BarRouter::b_transport);
}

BarRouter::~BarRouter() = default;

tlm_utils::simple_initiator_socket<BarRouter>&
BarRouter::map(std::uint64_t offset, std::uint64_t size, const std::string& block) {
    if (size == 0 || offset + size > size_) {
        throw std::invalid_argument(std::string(name()) + ": " + block + " does not fit the BAR");
    }
    for (const Range& r : ranges_) {
        if (offset < r.offset + r.size && r.offset < offset + size) {
            throw std::invalid_argument(std::string(name()) + ": " + block + " overlaps " +
                                        r.block);
        }
    }
    ranges_.push_back(Range{offset, size, block,
                            std::make_unique<tlm_utils::simple_initiator_socket<BarRouter>>(
                                // created after construction, so outside this module's scope:
                                // the router's name keeps the socket's name unique
                                (std::string(basename()) + "_" + block + "_out").c_str())});
    return *ranges_.back().socket;
}

void BarRouter::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    const std::uint64_t end = address + trans.get_data_length();
    for (Range& r : ranges_) {
        if (address >= r.offset && end <= r.offset + r.size) {
            trans.set_address(address - r.offset);
            (*r.socket)->b_transport(trans, delay);
            trans.set_address(address);
            return;
        }
    }
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

} // namespace aie4sim::models
