#pragma once
// TLM extensions a PCIe function attaches to its outbound requests, so the transport above
// can carry them on behalf of the right function: which function is the requester (its
// Requester ID, which an IOMMU and interrupt remapping key on), and whether a memory write
// is an MSI-X message.

#include <cstdint>
#include <tlm>

namespace aie4sim::pcie {

struct RequesterExtension : tlm::tlm_extension<RequesterExtension> {
    // 0 for the PF, n for VF n (1-based): the function's index in its device.
    unsigned function_index = 0;

    RequesterExtension() = default;
    explicit RequesterExtension(unsigned index) : function_index(index) {}
    [[nodiscard]] tlm_extension_base* clone() const override {
        return new RequesterExtension(*this);
    }
    void copy_from(const tlm_extension_base& other) override {
        function_index = static_cast<const RequesterExtension&>(other).function_index;
    }
};

struct MsiExtension : tlm::tlm_extension<MsiExtension> {
    unsigned vector = 0;

    MsiExtension() = default;
    explicit MsiExtension(unsigned v) : vector(v) {}
    [[nodiscard]] tlm_extension_base* clone() const override { return new MsiExtension(*this); }
    void copy_from(const tlm_extension_base& other) override {
        vector = static_cast<const MsiExtension&>(other).vector;
    }
};

// Marks a request whose address is already translated (a host physical address): the host
// carries it out without IOMMU translation, as PCIe does for Address Type "translated".
struct TranslatedExtension : tlm::tlm_extension<TranslatedExtension> {
    [[nodiscard]] tlm_extension_base* clone() const override {
        return new TranslatedExtension(*this);
    }
    void copy_from(const tlm_extension_base& /*other*/) override {}
};

} // namespace aie4sim::pcie
