#pragma once

#include <cstdint>

namespace aie4sim::common {

// `v` rounded up to a multiple of `alignment`, which must be a power of two.
constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t alignment) {
    return (v + alignment - 1) & ~(alignment - 1);
}

} // namespace aie4sim::common
