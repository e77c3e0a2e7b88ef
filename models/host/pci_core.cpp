#include "models/host/pci_core.h"

#include "common/tlm/transaction.h"
#include "pcie/config_regs.h"
#include "pcie/link_timing.h"
#include "sriov/endpoint.h"
#include "sriov/sriov_capability.h"

#include <cstring>

namespace aie4sim::models::host {

namespace {
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;

// Where the host bridge puts the BARs (one window below 4 GiB).
constexpr std::uint64_t kPfWindow = 0xE0000000;
constexpr std::uint64_t kVfWindow = 0xC0000000;

} // namespace

PciCore::PciCore(const sc_core::sc_module_name& name, const DeviceConfig& device)
    : sc_core::sc_module(name), config("config"), mem("mem"), device_(device) {}

void PciCore::access(tlm_utils::simple_initiator_socket<PciCore>& socket, bool write,
                     std::uint64_t address, void* data, unsigned size) {
    // The host's accesses are charged the link's cost (pcie/link_timing.h).
    tlm_util::Transaction t(write, address, data, size);
    if (!t.send_and_wait(socket, write ? pcie::posted_write() : pcie::read_round_trip()) &&
        !write) {
        std::memset(data, 0xFF, size); // an Unsupported Request reads as all-ones
    }
}

std::uint32_t PciCore::cfg_read(unsigned function, std::uint16_t offset, unsigned size) {
    std::uint32_t v = 0;
    access(config, false, (std::uint64_t{function} << sriov::kFunctionShift) | offset, &v, size);
    return v;
}

void PciCore::cfg_write(unsigned function, std::uint16_t offset, unsigned size,
                        std::uint32_t value) {
    access(config, true, (std::uint64_t{function} << sriov::kFunctionShift) | offset, &value, size);
}

std::uint32_t PciCore::read32(std::uint64_t address) {
    std::uint32_t v = 0;
    access(mem, false, address, &v, 4);
    return v;
}

void PciCore::write32(std::uint64_t address, std::uint32_t value) {
    access(mem, true, address, &value, 4);
}

std::uint64_t PciCore::bar(unsigned function, unsigned index) const {
    if (function == 0) {
        return pf_bars_[index];
    }
    const std::uint64_t size = device_.sriov.vf.bars[index].size;
    return vf_bars_[index] + (function - 1) * size;
}

std::uint16_t PciCore::find_capability(unsigned function, std::uint8_t id) {
    auto at = static_cast<std::uint16_t>(cfg_read(function, reg::kCapabilitiesPointer, 1));
    for (int guard = 0; at != 0 && guard < 48; ++guard) {
        if (cfg_read(function, at, 1) == id) {
            return at;
        }
        at = static_cast<std::uint16_t>(cfg_read(function, at + 1, 1));
    }
    return 0;
}

void PciCore::enumerate() {
    // PF BARs, naturally aligned, in one window; the VF BAR apertures in another.
    std::uint64_t next = kPfWindow;
    for (unsigned i = 0; i < 6; ++i) {
        const pcie::BarConfig& b = device_.pf.bars[i];
        if (!b.implemented()) {
            continue;
        }
        next = (next + b.size - 1) & ~(b.size - 1);
        pf_bars_[i] = next;
        cfg_write(0, reg::kBar0 + 4 * i, 4, static_cast<std::uint32_t>(next));
        if (b.is_64bit) {
            cfg_write(0, reg::kBar0 + 4 * (i + 1), 4, static_cast<std::uint32_t>(next >> 32));
        }
        next += b.size;
    }
    sriov_ = 0x100;
    for (int guard = 0; sriov_ != 0 && guard < 64; ++guard) {
        const std::uint32_t header = cfg_read(0, sriov_);
        if ((header & 0xFFFF) == reg::kExtCapSriov) {
            break;
        }
        sriov_ = static_cast<std::uint16_t>(header >> 20);
    }
    next = kVfWindow;
    for (unsigned i = 0; i < 6; ++i) {
        const pcie::BarConfig& b = device_.sriov.vf.bars[i];
        if (!b.implemented()) {
            continue;
        }
        const std::uint64_t aperture = b.size * device_.sriov.total_vfs;
        next = (next + aperture - 1) & ~(aperture - 1);
        vf_bars_[i] = next;
        cfg_write(0, sriov_ + cap::kVfBar0 + 4 * i, 4, static_cast<std::uint32_t>(next));
        if (b.is_64bit) {
            cfg_write(0, sriov_ + cap::kVfBar0 + 4 * (i + 1), 4,
                      static_cast<std::uint32_t>(next >> 32));
        }
        next += aperture;
    }
    cfg_write(0, reg::kCommand, 2, reg::kCommandMemorySpace | reg::kCommandBusMaster);
}

} // namespace aie4sim::models::host
