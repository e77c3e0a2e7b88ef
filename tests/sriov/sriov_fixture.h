#pragma once
// An SR-IOV endpoint with a recording register block behind every BAR of every function and a
// host memory on its outbound port, elaborated in a fresh SystemC context.

#include "pcie/config_regs.h"
#include "sriov/endpoint.h"
#include "sriov/sriov_capability.h"
#include "testbench/fresh_simulation.h"
#include "tests/support/tlm_helpers.h"

#include <memory>
#include <vector>

namespace aie4sim::testing {

inline pcie::FunctionConfig sample_pf() {
    pcie::FunctionConfig c;
    c.identity = {0x1022, 0x17F2, 0x10, 0x118000, 0x1022, 0x0001};
    c.bars[0] = {0x10000, true, false};
    c.bars[2] = {0x80000, true, false};
    c.bars[4] = {0x10000, false, false};
    c.msix = {8, 0, 0x8000, 0, 0x9000};
    return c;
}

inline sriov::SriovConfig sample_sriov(unsigned total_vfs = 4) {
    sriov::SriovConfig s;
    s.total_vfs = total_vfs;
    s.vf_device_id = 0x17F3;
    s.routing = {1, 1};
    s.ari_routing = {2, 2};
    s.vf.identity.revision = 0x10;
    s.vf.identity.subsystem_id = 0x0002;
    s.vf.bars[0] = {0x4000, true, false}; // 16 KiB: smaller than some system page sizes
    s.vf.bars[2] = {0x80000, true, false};
    s.vf.msix = {4, 0, 0x2000, 0, 0x3000};
    s.vf.power_management = false;
    return s;
}

struct EndpointBench {
    FreshSimulation sim;
    sriov::Endpoint ep;
    std::vector<std::unique_ptr<RecordingTarget>> blocks; // [function * 6 + bar]
    HostMemory host{"host", 1 << 20};
    std::uint16_t cap = 0;

    explicit EndpointBench(const sriov::SriovConfig& s = sample_sriov(),
                           const pcie::FunctionConfig& pf = sample_pf())
        : ep("ep", pf, s), blocks((std::size_t{s.total_vfs} + 1) * 6) {
        bind(ep.pf(), 0);
        for (unsigned n = 1; n <= ep.total_vfs(); ++n) {
            bind(ep.vf(n), n);
        }
        ep.outbound.bind(host.socket);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        cap = ep.sriov().offset();
    }
    void bind(pcie::Function& f, unsigned index) {
        for (unsigned b = 0; b < 6; ++b) {
            if (f.function_config().bars[b].implemented()) {
                auto& slot = blocks[index * 6 + b];
                slot = std::make_unique<RecordingTarget>(
                    ("regs_f" + std::to_string(index) + "_bar" + std::to_string(b)).c_str());
                f.app_bar(b).bind(slot->socket);
            }
        }
    }
    RecordingTarget& block(unsigned function, unsigned bar) { return *blocks[function * 6 + bar]; }

    Access cfg_read(unsigned fn, std::uint16_t off, unsigned size) {
        return read(ep.config_in, (std::uint64_t{fn} << sriov::kFunctionShift) | off, size);
    }
    Access cfg_write(unsigned fn, std::uint16_t off, unsigned size, std::uint64_t v) {
        return write(ep.config_in, (std::uint64_t{fn} << sriov::kFunctionShift) | off, size, v);
    }
    std::uint32_t cfg(unsigned fn, std::uint16_t off, unsigned size = 4) {
        return static_cast<std::uint32_t>(cfg_read(fn, off, size).value);
    }
    std::uint32_t sriov_reg(std::uint16_t field, unsigned size) {
        return cfg(0, static_cast<std::uint16_t>(cap + field), size);
    }
    void set_sriov_reg(std::uint16_t field, unsigned size, std::uint64_t v) {
        cfg_write(0, static_cast<std::uint16_t>(cap + field), size, v);
    }
    // The sequence Linux's sriov_enable() follows: NumVFs, then VF Enable and VF MSE.
    void enable_vfs(unsigned n) {
        set_sriov_reg(sriov::cap::kNumVfs, 2, n);
        set_sriov_reg(sriov::cap::kControl, 2,
                      sriov_reg(sriov::cap::kControl, 2) | sriov::cap::kCtlVfEnable |
                          sriov::cap::kCtlVfMse);
    }
};

} // namespace aie4sim::testing
