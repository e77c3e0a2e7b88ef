#pragma once
// The host side of a standalone simulation: host memory (sparse, 64-bit addresses) on the
// endpoint's outbound port, and an interrupt controller that turns MSI-X writes into events.
// The host model programs every MSI-X entry with the address 0xFEE00000 and the data
// (function << 8) | vector, so each message names its source.

#include "models/sparse_memory.h"

#include <cstdint>
#include <map>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace aie4sim::models::host {

inline constexpr std::uint64_t kMsiAddress = 0xFEE00000;
inline constexpr std::uint32_t msi_data(unsigned function, unsigned vector) {
    return (function << 8) | vector;
}

class HostSystem : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<HostSystem> bus;

    HostSystem(const sc_core::sc_module_name& name, std::uint64_t memory_bytes);

    SparseMemory& memory() { return *memory_; }
    // Interrupts received so far from (function, vector).
    [[nodiscard]] std::uint64_t interrupts(unsigned function, unsigned vector) const;
    [[nodiscard]] const sc_core::sc_event& interrupt_event() const { return interrupt_; }
    // Waits until (function, vector) has fired more than `seen` times, or `timeout` passes.
    bool wait_interrupt(unsigned function, unsigned vector, std::uint64_t seen,
                        sc_core::sc_time timeout);
    [[nodiscard]] std::uint64_t dma_bytes() const { return dma_bytes_; }

private:
    void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    std::unique_ptr<SparseMemory> memory_;
    std::map<std::uint32_t, std::uint64_t> interrupts_;
    sc_core::sc_event interrupt_;
    std::uint64_t dma_bytes_ = 0;
};

} // namespace aie4sim::models::host
