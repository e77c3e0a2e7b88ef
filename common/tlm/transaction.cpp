#include "common/tlm/transaction.h"

namespace aie4sim::tlm_util {

Transaction::Transaction(bool write, std::uint64_t address, void* data, std::size_t length) {
    payload_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    payload_.set_address(address);
    payload_.set_data_ptr(static_cast<unsigned char*>(data));
    payload_.set_data_length(static_cast<unsigned>(length));
    payload_.set_streaming_width(static_cast<unsigned>(length));
    payload_.set_byte_enable_ptr(nullptr);
    payload_.set_byte_enable_length(0);
    payload_.set_dmi_allowed(false);
    payload_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

Transaction::~Transaction() {
    for (const unsigned id : attached_) {
        payload_.set_extension(id, nullptr);
    }
}

void Transaction::consume(const sc_core::sc_time& delay) {
    if (delay != sc_core::SC_ZERO_TIME) {
        sc_core::wait(delay);
    }
}

} // namespace aie4sim::tlm_util
