#pragma once
// Small TLM tools for tests: issue one access to a target, a register block that records what
// reached it, and a host memory that records DMA and MSI-X writes with their requester.

#include "common/tlm/transaction.h"
#include "pcie/tlm_extensions.h"

#include <cstdint>
#include <cstring>
#include <map>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::testing {

struct Access {
    tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    std::uint64_t value = 0;
    [[nodiscard]] bool ok() const { return status == tlm::TLM_OK_RESPONSE; }
};

template <class Socket>
Access transport(Socket& target, bool write, std::uint64_t address, unsigned size,
                 std::uint64_t value = 0) {
    std::uint8_t data[8] = {};
    std::memcpy(data, &value, size);
    tlm_util::Transaction trans(write, address, data, size);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME; // outside any thread: nothing waits it
    target.get_base_export()->b_transport(trans.payload(), delay);
    Access a;
    a.status = trans.payload().get_response_status();
    std::memcpy(&a.value, data, size);
    return a;
}

template <class Socket> Access read(Socket& target, std::uint64_t address, unsigned size) {
    return transport(target, false, address, size);
}
template <class Socket>
Access write(Socket& target, std::uint64_t address, unsigned size, std::uint64_t value) {
    return transport(target, true, address, size, value);
}

// A register block: remembers every access (offset, size, write?) and stores written bytes.
struct RecordingTarget : sc_core::sc_module {
    struct Record {
        std::uint64_t offset;
        unsigned size;
        bool write;
    };
    tlm_utils::simple_target_socket<RecordingTarget> socket;
    std::vector<Record> records;
    std::map<std::uint64_t, std::uint8_t> bytes;

    explicit RecordingTarget(const sc_core::sc_module_name& n)
        : sc_core::sc_module(n), socket("socket") {
        socket.register_b_transport(this, &RecordingTarget::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
        records.push_back({t.get_address(), t.get_data_length(), t.is_write()});
        for (unsigned i = 0; i < t.get_data_length(); ++i) {
            if (t.is_write()) {
                bytes[t.get_address() + i] = t.get_data_ptr()[i];
            } else {
                t.get_data_ptr()[i] =
                    bytes.count(t.get_address() + i) ? bytes[t.get_address() + i] : 0;
            }
        }
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// The host side of a function's outbound port: RAM below `size`, an error beyond it.
struct HostMemory : sc_core::sc_module {
    struct Msi {
        unsigned function;
        unsigned vector;
        std::uint64_t address;
        std::uint32_t data;
    };
    struct Dma {
        unsigned function;
        std::uint64_t address;
        unsigned size;
        bool write;
    };
    tlm_utils::simple_target_socket<HostMemory> socket;
    std::vector<std::uint8_t> ram;
    std::vector<Msi> msis;
    std::vector<Dma> dmas;

    HostMemory(const sc_core::sc_module_name& n, std::size_t size)
        : sc_core::sc_module(n), socket("socket"), ram(size) {
        socket.register_b_transport(this, &HostMemory::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) {
        auto* requester = t.get_extension<pcie::RequesterExtension>();
        const unsigned fn = requester != nullptr ? requester->function_index : ~0u;
        if (auto* msi = t.get_extension<pcie::MsiExtension>()) {
            std::uint32_t data = 0;
            std::memcpy(&data, t.get_data_ptr(), 4);
            msis.push_back({fn, msi->vector, t.get_address(), data});
            t.set_response_status(tlm::TLM_OK_RESPONSE);
            return;
        }
        dmas.push_back({fn, t.get_address(), t.get_data_length(), t.is_write()});
        if (t.get_address() + t.get_data_length() > ram.size()) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (t.is_write()) {
            std::memcpy(&ram[t.get_address()], t.get_data_ptr(), t.get_data_length());
        } else {
            std::memcpy(t.get_data_ptr(), &ram[t.get_address()], t.get_data_length());
        }
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

} // namespace aie4sim::testing
