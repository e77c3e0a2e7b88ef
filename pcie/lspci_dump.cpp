#include "pcie/lspci_dump.h"

#include <cstdio>

namespace aie4sim::pcie {

std::string lspci_dump(const ConfigSpace& config, PciAddress address) {
    std::string out;
    char line[80];
    std::snprintf(line, sizeof line, "%02x:%02x.%u aie4sim configuration space\n",
                  address.bus & 0xFF, address.device & 0x1F, address.function & 7);
    out += line;
    const auto& bytes = config.bytes();
    for (unsigned row = 0; row < kConfigSpaceSize; row += 16) {
        std::snprintf(line, sizeof line, row < 0x100 ? "%02x:" : "%03x:", row);
        out += line;
        for (unsigned i = 0; i < 16; ++i) {
            std::snprintf(line, sizeof line, " %02x", bytes[row + i]);
            out += line;
        }
        out += '\n';
    }
    out += '\n';
    return out;
}

} // namespace aie4sim::pcie
