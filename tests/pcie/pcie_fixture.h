#pragma once
// A PF-only function with a register block behind each BAR and a host memory on its outbound
// port, elaborated in a fresh SystemC context.

#include "pcie/config_regs.h"
#include "pcie/function.h"
#include "testbench/fresh_simulation.h"
#include "tests/support/tlm_helpers.h"

#include <memory>

namespace aie4sim::testing {

inline pcie::FunctionConfig sample_function_config() {
    pcie::FunctionConfig c;
    c.identity = {0x1234, 0x5678, 0x02, 0x118000, 0x1AF4, 0x1100};
    c.bars[0] = {0x10000, false, false}; // 64 KiB, 32-bit
    c.bars[2] = {0x100000, true, true};  // 1 MiB, 64-bit prefetchable
    c.bars[4] = {0x1000, false, false};  // 4 KiB
    c.msix = {8, 0, 0x8000, 0, 0x9000};
    return c;
}

struct FunctionBench {
    FreshSimulation sim;
    pcie::Function function;
    RecordingTarget bar0{"bar0_regs"};
    RecordingTarget bar2{"bar2_regs"};
    HostMemory host{"host", 1 << 20};

    explicit FunctionBench(const pcie::FunctionConfig& config = sample_function_config(),
                           pcie::FunctionKind kind = pcie::FunctionKind::physical)
        : function("fn", config, kind, 0) {
        function.app_bar(0).bind(bar0.socket);
        function.app_bar(2).bind(bar2.socket);
        function.outbound.bind(host.socket);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    }

    Access cfg_read(std::uint16_t offset, unsigned size) {
        return read(function.config_in, offset, size);
    }
    Access cfg_write(std::uint16_t offset, unsigned size, std::uint64_t v) {
        return write(function.config_in, offset, size, v);
    }
    std::uint32_t cfg(std::uint16_t offset, unsigned size = 4) {
        return static_cast<std::uint32_t>(cfg_read(offset, size).value);
    }
    // Finds a capability by walking the list from the Capabilities Pointer, as software does.
    std::uint16_t find_capability(std::uint8_t id) {
        std::uint16_t at = static_cast<std::uint16_t>(cfg(pcie::reg::kCapabilitiesPointer, 1));
        for (int guard = 0; at != 0 && guard < 48; ++guard) {
            if (cfg(at, 1) == id) {
                return at;
            }
            at = static_cast<std::uint16_t>(cfg(at + 1, 1));
        }
        return 0;
    }
    std::uint16_t find_extended(std::uint16_t id) {
        std::uint16_t at = 0x100;
        for (int guard = 0; at != 0 && guard < 64; ++guard) {
            const std::uint32_t header = cfg(at);
            if ((header & 0xFFFF) == id) {
                return at;
            }
            at = static_cast<std::uint16_t>(header >> 20);
        }
        return 0;
    }
};

} // namespace aie4sim::testing
