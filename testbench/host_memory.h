#pragma once
// A simulated host memory for the array's `host` socket: sparse storage, optional error
// windows (accesses touching them answer TLM_ADDRESS_ERROR_RESPONSE), an optional per-access
// latency, and a record of the owner tags (HostRequesterExtension) it saw.

#include "aie_tiles/host_requester_extension.h"

#include <cstdint>
#include <map>
#include <set>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::testing {

class HostMemory : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostMemory> socket;

    explicit HostMemory(const sc_core::sc_module_name& name) : sc_module(name), socket("socket") {
        socket.register_b_transport(this, &HostMemory::b_transport);
    }

    void write(std::uint64_t address, const void* data, std::size_t length);
    void read(std::uint64_t address, void* data, std::size_t length);
    template <typename T> std::vector<T> read_vector(std::uint64_t address, std::size_t count) {
        std::vector<T> v(count);
        read(address, v.data(), count * sizeof(T));
        return v;
    }

    // Accesses overlapping [begin, end) fail.
    void add_error_window(std::uint64_t begin, std::uint64_t end) {
        errors_.emplace_back(begin, end);
    }
    void clear_error_windows() { errors_.clear(); }
    void set_latency(const sc_core::sc_time& t) { latency_ = t; }

    std::set<std::uint32_t> tags_seen;
    std::uint64_t accesses = 0;
    std::uint64_t accesses_without_tag = 0;

private:
    static constexpr std::uint64_t kPage = 1 << 16;

    std::uint8_t& byte(std::uint64_t a);
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    std::map<std::uint64_t, std::vector<std::uint8_t>> pages_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> errors_;
    sc_core::sc_time latency_ = sc_core::SC_ZERO_TIME;
};

} // namespace aie4sim::testing
