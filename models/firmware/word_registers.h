#pragma once
// The register windows of the PSP (BAR4) and the SMU (BAR5): sparse 32-bit registers reached
// by aligned 4-byte accesses only; a register never written reads 0. What a write does (store,
// start a command, be refused) is the owner's business.

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <tlm>

namespace aie4sim::models {

class WordRegisters {
public:
    using WriteHandler = std::function<void(std::uint32_t offset, std::uint32_t value)>;

    // Serves one access: a read returns the stored value, a write goes to `on_write`. Any
    // other size or alignment completes with an address error and changes nothing.
    void serve(tlm::tlm_generic_payload& trans, const WriteHandler& on_write) {
        const auto offset = static_cast<std::uint32_t>(trans.get_address());
        if (trans.get_data_length() != 4 || (offset & 3) != 0) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        std::uint32_t value = 0;
        if (trans.is_read()) {
            const auto it = values_.find(offset);
            value = it == values_.end() ? 0 : it->second;
            std::memcpy(trans.get_data_ptr(), &value, 4);
        } else {
            std::memcpy(&value, trans.get_data_ptr(), 4);
            on_write(offset, value);
        }
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    std::uint32_t& operator[](std::uint32_t offset) { return values_[offset]; }
    void clear() { values_.clear(); }

private:
    std::map<std::uint32_t, std::uint32_t> values_;
};

} // namespace aie4sim::models
