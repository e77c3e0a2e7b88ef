#pragma once
// The host's PCI plumbing, as a host bridge and the PCI core do it before any driver runs:
// configuration and memory accesses to the device (each charged the simulated time a PCIe
// access costs; a failed read gives all-ones, as an Unsupported Request does), BAR assignment
// in the host's windows, the SR-IOV capability found, memory decode and bus mastering on. The
// driver stand-in (host_driver.h) builds on it. Every access must come from an SC_THREAD.

#include "models/device_config.h"

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

namespace aie4sim::models::host {

class PciCore : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<PciCore> config; // to the endpoint's config_in
    tlm_utils::simple_initiator_socket<PciCore> mem;    // to the endpoint's mem_in

    PciCore(const sc_core::sc_module_name& name, const DeviceConfig& device);

    std::uint32_t cfg_read(unsigned function, std::uint16_t offset, unsigned size = 4);
    void cfg_write(unsigned function, std::uint16_t offset, unsigned size, std::uint32_t value);
    std::uint32_t read32(std::uint64_t address);
    void write32(std::uint64_t address, std::uint32_t value);
    // Where BAR `index` of a function was put (VF n: its slice of the VF BAR aperture).
    [[nodiscard]] std::uint64_t bar(unsigned function, unsigned index) const;
    // The offset of a function's capability `id` in configuration space (0: none).
    std::uint16_t find_capability(unsigned function, std::uint8_t id);

    // BARs, the SR-IOV capability, memory decode and bus mastering.
    void enumerate();
    // The PF's SR-IOV capability (after enumerate()).
    [[nodiscard]] std::uint16_t sriov_offset() const { return sriov_; }

private:
    void access(tlm_utils::simple_initiator_socket<PciCore>& socket, bool write,
                std::uint64_t address, void* data, unsigned size);

    DeviceConfig device_;
    std::uint64_t pf_bars_[6] = {};
    std::uint64_t vf_bars_[6] = {};
    std::uint16_t sriov_ = 0;
};

} // namespace aie4sim::models::host
