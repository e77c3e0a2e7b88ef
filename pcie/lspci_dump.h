#pragma once
// Writes a function's configuration space in the text form `lspci -xxxx` prints and
// `lspci -F FILE` reads back (pciutils' dump access method), so Debian's own lspci can decode
// what the model presents.

#include "pcie/config_space.h"

#include <string>

namespace aie4sim::pcie {

struct PciAddress {
    unsigned bus = 0;
    unsigned device = 0;
    unsigned function = 0;
};

std::string lspci_dump(const ConfigSpace& config, PciAddress address);

} // namespace aie4sim::pcie
