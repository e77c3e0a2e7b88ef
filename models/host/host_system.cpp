#include "models/host/host_system.h"

#include "pcie/tlm_extensions.h"

#include <cstring>

namespace aie4sim::models::host {

HostSystem::HostSystem(const sc_core::sc_module_name& name, std::uint64_t memory_bytes)
    : sc_core::sc_module(name), bus("bus"),
      memory_(std::make_unique<SparseMemory>("ram", memory_bytes)) {
    bus.register_b_transport(this, &HostSystem::transport);
}

void HostSystem::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    if (trans.get_extension<pcie::MsiExtension>() != nullptr ||
        (trans.get_address() & ~std::uint64_t{0xFFFFF}) == kMsiAddress) {
        std::uint32_t data = 0;
        std::memcpy(&data, trans.get_data_ptr(), 4);
        ++interrupts_[data];
        interrupt_.notify(sc_core::SC_ZERO_TIME);
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    const std::uint64_t address = trans.get_address();
    const unsigned length = trans.get_data_length();
    if (address + length > memory_->size() || address + length < address) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.is_write()) {
        memory_->write(address, trans.get_data_ptr(), length);
    } else {
        memory_->read(address, trans.get_data_ptr(), length);
    }
    dma_bytes_ += length;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

std::uint64_t HostSystem::interrupts(unsigned function, unsigned vector) const {
    auto it = interrupts_.find(msi_data(function, vector));
    return it == interrupts_.end() ? 0 : it->second;
}

bool HostSystem::wait_interrupt(unsigned function, unsigned vector, std::uint64_t seen,
                                sc_core::sc_time timeout) {
    const sc_core::sc_time deadline = sc_core::sc_time_stamp() + timeout;
    while (interrupts(function, vector) <= seen) {
        const sc_core::sc_time now = sc_core::sc_time_stamp();
        if (now >= deadline) {
            return false;
        }
        wait(deadline - now, interrupt_);
    }
    return true;
}

} // namespace aie4sim::models::host
