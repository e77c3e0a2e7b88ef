// Puts the default AIE4 device through the states a Linux host leaves it in and writes each
// function's configuration space for `lspci -F`: the PF with SR-IOV disabled and enabled, a
// VF, and the PF while the host sizes its BARs (all-ones written: lspci then shows the size
// masks, which is how the BAR sizes are visible in a dump).
#include "common/log.h"
#include "models/device_config.h"
#include "pcie/config_regs.h"
#include "pcie/lspci_dump.h"
#include "pcie/msix.h"
#include "sriov/endpoint.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <systemc>

using namespace aie4sim;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;

namespace {

void cfg_write(sriov::Endpoint& ep, unsigned fn, std::uint16_t offset, unsigned size,
               std::uint32_t value) {
    ep.function(fn)->config_space().write(offset, size, value);
}

void program_like_linux(sriov::Endpoint& ep, bool enable_vfs) {
    pcie::Function& pf = ep.pf();
    const std::uint16_t sriov = ep.sriov().offset();
    // BARs as a host bridge window would place them
    cfg_write(ep, 0, reg::kBar0, 4, 0xFE600000);
    cfg_write(ep, 0, reg::kBar0 + 4, 4, 0);
    cfg_write(ep, 0, reg::kBar0 + 8, 4, 0xFE680000);
    cfg_write(ep, 0, reg::kBar0 + 12, 4, 0);
    cfg_write(ep, 0, reg::kBar0 + 16, 4, 0xFE700000);
    cfg_write(ep, 0, reg::kBar0 + 20, 4, 0xFE710000);
    cfg_write(ep, 0, sriov + cap::kVfBar0, 4, 0xFE400000);
    cfg_write(ep, 0, sriov + cap::kVfBar0 + 4, 4, 0);
    cfg_write(ep, 0, sriov + cap::kVfBar0 + 8, 4, 0xFE000000);
    cfg_write(ep, 0, sriov + cap::kVfBar0 + 12, 4, 0);
    cfg_write(ep, 0, reg::kCacheLineSize, 1, 0x10);
    cfg_write(ep, 0, reg::kCommand, 2, reg::kCommandMemorySpace | reg::kCommandBusMaster);
    cfg_write(ep, 0, pf.msix_offset() + 2, 2, pcie::msix::kEnable);
    cfg_write(ep, 0, sriov + cap::kControl, 2, cap::kCtlAriCapableHierarchy);
    if (enable_vfs) {
        cfg_write(ep, 0, sriov + cap::kNumVfs, 2, 4);
        cfg_write(ep, 0, sriov + cap::kControl, 2,
                  cap::kCtlAriCapableHierarchy | cap::kCtlVfEnable | cap::kCtlVfMse);
        cfg_write(ep, 1, reg::kCommand, 2, reg::kCommandBusMaster);
        cfg_write(ep, 1, ep.vf(1).msix_offset() + 2, 2, pcie::msix::kEnable);
    }
}

void size_bars(sriov::Endpoint& ep) {
    const std::uint16_t sriov = ep.sriov().offset();
    for (unsigned i = 0; i < 6; ++i) {
        cfg_write(ep, 0, static_cast<std::uint16_t>(reg::kBar0 + 4 * i), 4, 0xFFFFFFFF);
        cfg_write(ep, 0, static_cast<std::uint16_t>(sriov + cap::kVfBar0 + 4 * i), 4, 0xFFFFFFFF);
    }
}

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

} // namespace

int sc_main(int argc, char* argv[]) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " OUTPUT_DIR\n";
        return 2;
    }
    aie4sim::common::log_configure("off");
    const std::string dir = argv[1];
    const models::DeviceConfig config = models::default_device_config();
    const pcie::PciAddress pf_address{1, 0, 0};
    bool ok = true;

    sriov::Endpoint disabled("disabled", config.pf, config.sriov);
    program_like_linux(disabled, false);
    ok &= write_file(dir + "/pf-vfs-disabled.dump",
                     pcie::lspci_dump(disabled.pf().config_space(), pf_address));

    sriov::Endpoint enabled("enabled", config.pf, config.sriov);
    program_like_linux(enabled, true);
    ok &= write_file(dir + "/pf-vfs-enabled.dump",
                     pcie::lspci_dump(enabled.pf().config_space(), pf_address));
    const unsigned vf1_routing = enabled.sriov().routing_offset(1);
    ok &= write_file(dir + "/vf1.dump", pcie::lspci_dump(enabled.vf(1).config_space(),
                                                         {1, vf1_routing >> 3, vf1_routing & 7}));

    sriov::Endpoint sizing("sizing", config.pf, config.sriov);
    size_bars(sizing);
    ok &= write_file(dir + "/pf-bar-sizing.dump",
                     pcie::lspci_dump(sizing.pf().config_space(), pf_address));
    if (!ok) {
        std::cerr << "cannot write dumps to " << dir << "\n";
        return 1;
    }
    return 0;
}
