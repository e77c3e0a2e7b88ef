#include "pcie/bars.h"

#include "pcie/config_regs.h"

#include <algorithm>

namespace aie4sim::pcie {

std::uint64_t effective_bar_size(const BarConfig& bar, std::uint64_t size_floor) {
    return std::max(bar.size, size_floor);
}

void define_bar_registers(ConfigSpace& config, std::uint16_t first, const BarLayout& bars,
                          std::uint64_t size_floor) {
    for (unsigned i = 0; i < kBarCount; ++i) {
        const auto offset = static_cast<std::uint16_t>(first + 4 * i);
        const BarConfig& b = bars[i];
        if (i > 0 && bars[i - 1].implemented() && bars[i - 1].is_64bit) {
            continue; // the upper half, declared with its lower half
        }
        if (!b.implemented()) {
            config.define(offset, 4, 0);
            continue;
        }
        const std::uint64_t size = effective_bar_size(b, size_floor);
        const std::uint64_t type =
            (b.is_64bit ? reg::kBarMemType64 : 0) | (b.prefetchable ? reg::kBarPrefetchable : 0);
        const std::uint64_t address_bits = ~(size - 1) & ~std::uint64_t{0xF};
        if (b.is_64bit) {
            config.define(offset, 8, type, address_bits);
        } else {
            config.define(offset, 4, type, address_bits & 0xFFFFFFFFu);
        }
    }
}

std::uint64_t bar_base(const ConfigSpace& config, std::uint16_t first, const BarLayout& bars,
                       unsigned bar) {
    const BarConfig& b = bars[bar];
    const auto offset = static_cast<std::uint16_t>(first + 4 * bar);
    const std::uint64_t value = config.get(offset, b.is_64bit ? 8 : 4);
    return value & ~std::uint64_t{0xF};
}

std::optional<BarHit> decode_bars(const ConfigSpace& config, std::uint16_t first,
                                  const BarLayout& bars, std::uint64_t address, unsigned size,
                                  std::uint64_t count, std::uint64_t size_floor,
                                  std::uint64_t* index) {
    for (unsigned i = 0; i < kBarCount; ++i) {
        const BarConfig& b = bars[i];
        if (!b.implemented()) {
            continue;
        }
        const std::uint64_t bar_size = effective_bar_size(b, size_floor);
        const std::uint64_t base = bar_base(config, first, bars, i);
        const std::uint64_t span = bar_size * count;
        if (address < base || address - base >= span) {
            continue;
        }
        const std::uint64_t rel = address - base;
        const std::uint64_t copy = rel / bar_size;
        const std::uint64_t offset = rel % bar_size;
        if (offset + size > bar_size) {
            return std::nullopt; // crosses the end of the BAR (or into the next VF's copy)
        }
        if (index != nullptr) {
            *index = copy;
        }
        return BarHit{i, offset};
    }
    return std::nullopt;
}

} // namespace aie4sim::pcie
