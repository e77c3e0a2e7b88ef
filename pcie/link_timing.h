#pragma once
// What one transaction costs on the PCIe link, in simulated time: the one figure for either
// direction. A non-posted read waits for its completion; a write is posted, and the sender
// goes on once it is on the link. The host model's configuration and MMIO accesses
// (models/host/pci_core.cpp) and a function's DMA writes to host memory (Function::dma_transport)
// are charged these; who waits for them is the rule of common/tlm/transaction.h.

#include <systemc>

namespace aie4sim::pcie {

inline sc_core::sc_time read_round_trip() {
    return {500, sc_core::SC_NS};
}

inline sc_core::sc_time posted_write() {
    return {50, sc_core::SC_NS};
}

} // namespace aie4sim::pcie
