#pragma once
// Base Address Registers: the register semantics that make sizing work (writing all-ones
// reads back the size mask, because only the address bits above the size are writable), and
// the decode of a bus address to (BAR, offset) once Memory Space Enable is set. The same
// register layout serves the VF BARs of an SR-IOV capability, so the helpers take the offset
// of the first BAR register.

#include "pcie/config_space.h"
#include "pcie/function_config.h"

#include <cstdint>
#include <optional>

namespace aie4sim::pcie {

struct BarHit {
    unsigned bar = 0;
    std::uint64_t offset = 0;
};

// Declares six BAR registers at `first` (0x10 for a type-0 header). An unimplemented BAR and
// the upper half of a 64-bit BAR's pair are handled as the specification says (read-only 0
// and read-write upper address, respectively). `size_floor` raises every BAR's decode size
// (an SR-IOV VF BAR is at least the System Page Size).
void define_bar_registers(ConfigSpace& config, std::uint16_t first, const BarLayout& bars,
                          std::uint64_t size_floor = 0);
// The address a BAR decodes at (its register value with the type bits cleared).
[[nodiscard]] std::uint64_t bar_base(const ConfigSpace& config, std::uint16_t first,
                                     const BarLayout& bars, unsigned bar);
[[nodiscard]] std::uint64_t effective_bar_size(const BarConfig& bar, std::uint64_t size_floor);
// Decodes `address .. address+size-1` against the BARs whose apertures are `count` copies of
// their size (1 for a function's own BARs, NumVFs for VF BARs); `index` receives which copy.
[[nodiscard]] std::optional<BarHit> decode_bars(const ConfigSpace& config, std::uint16_t first,
                                                const BarLayout& bars, std::uint64_t address,
                                                unsigned size, std::uint64_t count = 1,
                                                std::uint64_t size_floor = 0,
                                                std::uint64_t* index = nullptr);

} // namespace aie4sim::pcie
