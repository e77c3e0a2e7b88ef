#include "pcie/msix.h"

#include "pcie/config_regs.h"

#include <cstring>

namespace aie4sim::pcie {

MsixController::MsixController(const MsixConfig& config)
    : config_(config), table_(std::size_t{config.vectors} * 4),
      pba_((std::size_t{config.vectors} + 63) / 64) {
    reset();
}

std::uint16_t MsixController::install(CapabilityChain& chain, ConfigSpace& config) {
    space_ = &config;
    cap_ = chain.add(reg::kCapMsix, msix::kSize);
    // Table Size (10:0) is N-1, read-only; Function Mask and MSI-X Enable are RW.
    config.define(cap_ + msix::kMessageControl, 2, (config_.vectors - 1) & 0x7FFu,
                  msix::kFunctionMask | msix::kEnable);
    config.add_register(cap_ + msix::kMessageControl, 2, nullptr,
                        [this](std::uint64_t, std::uint64_t) { deliver_pending(); });
    config.define(cap_ + 4, 4, config_.table_offset | config_.table_bar);
    config.define(cap_ + 8, 4, config_.pba_offset | config_.pba_bar);
    return cap_;
}

void MsixController::reset() {
    for (std::size_t v = 0; v < config_.vectors; ++v) {
        table_[v * 4 + 0] = 0;
        table_[v * 4 + 1] = 0;
        table_[v * 4 + 2] = 0;
        table_[v * 4 + 3] = msix::kVectorMasked; // masked after reset
    }
    std::fill(pba_.begin(), pba_.end(), 0);
}

bool MsixController::enabled() const {
    return space_ != nullptr && (space_->get(cap_ + msix::kMessageControl, 2) & msix::kEnable);
}

bool MsixController::function_masked() const {
    return space_ != nullptr &&
           (space_->get(cap_ + msix::kMessageControl, 2) & msix::kFunctionMask);
}

bool MsixController::vector_masked(unsigned vector) const {
    return (table_[std::size_t{vector} * 4 + 3] & msix::kVectorMasked) != 0;
}

bool MsixController::pending(unsigned vector) const {
    return (pba_[vector / 64] >> (vector % 64)) & 1u;
}

void MsixController::set_pending(unsigned vector, bool on) {
    const std::uint64_t bit = std::uint64_t{1} << (vector % 64);
    pba_[vector / 64] = on ? (pba_[vector / 64] | bit) : (pba_[vector / 64] & ~bit);
}

MsiMessage MsixController::message(unsigned vector) const {
    const std::size_t e = std::size_t{vector} * 4;
    return MsiMessage{(std::uint64_t{table_[e + 1]} << 32) | table_[e], table_[e + 2]};
}

bool MsixController::in_table(unsigned bar, std::uint64_t offset, unsigned size) const {
    return config_.vectors != 0 && bar == config_.table_bar && offset >= config_.table_offset &&
           offset + size <= config_.table_offset + msix_table_bytes(config_.vectors);
}

bool MsixController::in_pba(unsigned bar, std::uint64_t offset, unsigned size) const {
    return config_.vectors != 0 && bar == config_.pba_bar && offset >= config_.pba_offset &&
           offset + size <= config_.pba_offset + msix_pba_bytes(config_.vectors);
}

bool MsixController::covers(unsigned bar, std::uint64_t offset, unsigned size) const {
    auto overlaps = [&](std::uint64_t start, std::uint64_t bytes) {
        return offset < start + bytes && start < offset + size;
    };
    if (config_.vectors == 0) {
        return false;
    }
    return (bar == config_.table_bar &&
            overlaps(config_.table_offset, msix_table_bytes(config_.vectors))) ||
           (bar == config_.pba_bar &&
            overlaps(config_.pba_offset, msix_pba_bytes(config_.vectors)));
}

bool MsixController::access(bool write, unsigned bar, std::uint64_t offset, std::uint8_t* data,
                            unsigned size) {
    if ((size != 4 && size != 8) || (offset % size) != 0) {
        return false;
    }
    if (in_table(bar, offset, size)) {
        const std::size_t first = (offset - config_.table_offset) / 4;
        for (unsigned i = 0; i < size / 4; ++i) {
            const std::size_t word = first + i;
            if (!write) {
                std::memcpy(data + std::size_t{4} * i, &table_[word], 4);
                continue;
            }
            std::uint32_t v = 0;
            std::memcpy(&v, data + std::size_t{4} * i, 4);
            switch (word % 4) {
            case 0: // Message Address: DWORD aligned, bits 1:0 read as 0
                table_[word] = v & ~3u;
                break;
            case 3: // Vector Control: only the mask bit is defined
                table_[word] = v & msix::kVectorMasked;
                break;
            default:
                table_[word] = v;
                break;
            }
        }
        if (write) {
            deliver_pending();
        }
        return true;
    }
    if (in_pba(bar, offset, size)) {
        // The PBA is read-only; software writes are ignored.
        if (!write) {
            const std::size_t byte = offset - config_.pba_offset;
            std::memcpy(data, reinterpret_cast<const std::uint8_t*>(pba_.data()) + byte, size);
        }
        return true;
    }
    return false;
}

MsixController::Outcome MsixController::deliver(unsigned vector) {
    if (!sender_ || !sender_(vector, message(vector))) {
        return Outcome::blocked;
    }
    return Outcome::sent;
}

MsixController::Outcome MsixController::signal(unsigned vector) {
    if (vector >= config_.vectors) {
        return Outcome::invalid_vector;
    }
    if (!enabled()) {
        return Outcome::disabled;
    }
    if (function_masked() || vector_masked(vector)) {
        set_pending(vector, true);
        return Outcome::pending;
    }
    return deliver(vector);
}

void MsixController::deliver_pending() {
    if (!enabled() || function_masked()) {
        return;
    }
    for (unsigned v = 0; v < config_.vectors; ++v) {
        if (pending(v) && !vector_masked(v)) {
            set_pending(v, false);
            deliver(v);
        }
    }
}

} // namespace aie4sim::pcie
