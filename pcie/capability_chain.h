#pragma once
// Places capabilities in configuration space and links them: the PCI capability list
// (Capabilities Pointer at 0x34, entries from 0x40, one-byte next pointers) and the PCIe
// extended capability list (from 0x100, 12-bit next offsets in each header).

#include "pcie/config_space.h"

#include <cstdint>

namespace aie4sim::pcie {

class CapabilityChain {
public:
    explicit CapabilityChain(ConfigSpace& config) : config_(config) {}

    // Returns the offset of the new capability; its header bytes are read-only.
    std::uint16_t add(std::uint8_t id, unsigned size);
    std::uint16_t add_extended(std::uint16_t id, std::uint8_t version, unsigned size);

private:
    ConfigSpace& config_;
    std::uint16_t next_offset_ = 0x40;
    std::uint16_t last_ = 0;
    std::uint16_t next_extended_ = 0x100;
    std::uint16_t last_extended_ = 0;
};

} // namespace aie4sim::pcie
