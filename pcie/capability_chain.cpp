#include "pcie/capability_chain.h"

#include "pcie/config_regs.h"

#include <stdexcept>

namespace aie4sim::pcie {

std::uint16_t CapabilityChain::add(std::uint8_t id, unsigned size) {
    const std::uint16_t offset = next_offset_;
    if (offset + size > reg::kExtendedStart) {
        throw std::length_error("capabilities do not fit in the first 256 bytes");
    }
    config_.define(offset, 2, id); // ID and a next pointer of 0 (end of list), read-only
    if (last_ == 0) {
        config_.define(reg::kCapabilitiesPointer, 1, offset);
        const auto status = config_.get(reg::kStatus, 2) | reg::kStatusCapabilitiesList;
        config_.set(reg::kStatus, 2, status);
        config_.set_initial(reg::kStatus, 2, status);
    } else {
        config_.set(last_ + 1, 1, offset);
        config_.set_initial(last_ + 1, 1, offset);
    }
    last_ = offset;
    next_offset_ = static_cast<std::uint16_t>((offset + size + 3) & ~3u);
    return offset;
}

std::uint16_t CapabilityChain::add_extended(std::uint16_t id, std::uint8_t version, unsigned size) {
    const std::uint16_t offset = next_extended_;
    if (offset + size > kConfigSpaceSize) {
        throw std::length_error("extended capabilities do not fit in 4 KiB");
    }
    config_.define(offset, 4, std::uint32_t{id} | (std::uint32_t{version} << 16));
    if (last_extended_ != 0) {
        const auto header = config_.get(last_extended_, 4) | (std::uint64_t{offset} << 20);
        config_.set(last_extended_, 4, header);
        config_.set_initial(last_extended_, 4, header);
    }
    last_extended_ = offset;
    next_extended_ = static_cast<std::uint16_t>((offset + size + 3) & ~3u);
    return offset;
}

} // namespace aie4sim::pcie
