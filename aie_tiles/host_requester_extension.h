#pragma once
// Attached by the shim DMA to every host memory transaction it issues: the owner tag of the
// column whose shim issued it (AieArray::set_column_owner). The device layer above maps the
// tag to the PCIe function that owns the column, so the access goes through that function's
// IOMMU context and bus-master enable. The array never interprets the tag.

#include <cstdint>
#include <tlm>

namespace aie4sim::tiles {

class HostRequesterExtension : public tlm::tlm_extension<HostRequesterExtension> {
public:
    explicit HostRequesterExtension(std::uint32_t owner_tag = 0) : tag(owner_tag) {}

    [[nodiscard]] tlm::tlm_extension_base* clone() const override {
        return new HostRequesterExtension(tag);
    }
    void copy_from(const tlm::tlm_extension_base& other) override {
        tag = static_cast<const HostRequesterExtension&>(other).tag;
    }

    std::uint32_t tag;
};

} // namespace aie4sim::tiles
