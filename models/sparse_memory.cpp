#include "models/sparse_memory.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace aie4sim::models {

SparseMemory::SparseMemory(const sc_core::sc_module_name& name, std::uint64_t size)
    : sc_core::sc_module(name), target("target"), size_(size) {
    target.register_b_transport(this, &SparseMemory::b_transport);
}

void SparseMemory::read(std::uint64_t offset, void* out, std::size_t size) const {
    if (offset + size > size_) {
        throw std::out_of_range("SRAM read out of range");
    }
    auto* dst = static_cast<std::uint8_t*>(out);
    while (size > 0) {
        const std::uint64_t page = offset / kPageSize;
        const std::uint64_t in_page = offset % kPageSize;
        const std::size_t n = std::min<std::size_t>(size, kPageSize - in_page);
        auto it = pages_.find(page);
        if (it == pages_.end()) {
            std::memset(dst, 0, n);
        } else {
            std::memcpy(dst, it->second->data() + in_page, n);
        }
        dst += n;
        offset += n;
        size -= n;
    }
}

void SparseMemory::write(std::uint64_t offset, const void* in, std::size_t size) {
    if (offset + size > size_) {
        throw std::out_of_range("SRAM write out of range");
    }
    const auto* src = static_cast<const std::uint8_t*>(in);
    while (size > 0) {
        const std::uint64_t page = offset / kPageSize;
        const std::uint64_t in_page = offset % kPageSize;
        const std::size_t n = std::min<std::size_t>(size, kPageSize - in_page);
        auto& slot = pages_[page];
        if (!slot) {
            slot = std::make_unique<Page>();
            slot->fill(0);
        }
        std::memcpy(slot->data() + in_page, src, n);
        src += n;
        offset += n;
        size -= n;
    }
}

std::uint32_t SparseMemory::read32(std::uint64_t offset) const {
    std::uint32_t v = 0;
    read(offset, &v, 4);
    return v;
}

void SparseMemory::write32(std::uint64_t offset, std::uint32_t value) {
    write(offset, &value, 4);
}

void SparseMemory::clear() {
    pages_.clear();
}

void SparseMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    const std::uint64_t offset = trans.get_address();
    const unsigned size = trans.get_data_length();
    if (trans.get_byte_enable_ptr() != nullptr || offset + size > size_) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (trans.is_write()) {
        write(offset, trans.get_data_ptr(), size);
    } else {
        read(offset, trans.get_data_ptr(), size);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace aie4sim::models
