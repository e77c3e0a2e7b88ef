#include "testbench/host_memory.h"

#include <algorithm>
#include <cstring>

namespace aie4sim::testing {

void HostMemory::write(std::uint64_t address, const void* data, std::size_t length) {
    const auto* p = static_cast<const std::uint8_t*>(data);
    while (length > 0) {
        const std::size_t n = std::min<std::size_t>(length, kPage - address % kPage);
        std::memcpy(&byte(address), p, n);
        address += n;
        p += n;
        length -= n;
    }
}

void HostMemory::read(std::uint64_t address, void* data, std::size_t length) {
    auto* p = static_cast<std::uint8_t*>(data);
    while (length > 0) {
        const std::size_t n = std::min<std::size_t>(length, kPage - address % kPage);
        std::memcpy(p, &byte(address), n);
        address += n;
        p += n;
        length -= n;
    }
}

std::uint8_t& HostMemory::byte(std::uint64_t a) {
    auto& page = pages_[a / kPage];
    if (page.empty()) {
        page.resize(kPage, 0);
    }
    return page[a % kPage];
}

void HostMemory::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    ++accesses;
    auto* ext = trans.get_extension<tiles::HostRequesterExtension>();
    if (ext != nullptr) {
        tags_seen.insert(ext->tag);
    } else {
        ++accesses_without_tag;
    }
    const std::uint64_t a = trans.get_address();
    const std::uint64_t len = trans.get_data_length();
    for (const auto& [b, e] : errors_) {
        if (a < e && b < a + len) {
            trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
    }
    if (trans.is_write()) {
        write(a, trans.get_data_ptr(), len);
    } else {
        read(a, trans.get_data_ptr(), len);
    }
    delay += latency_;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace aie4sim::testing
