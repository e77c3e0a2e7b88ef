#pragma once
// Addresses and register values in messages and logs read as hexadecimal, as in a datasheet.

#include <cstdint>
#include <cstdio>
#include <string>

namespace aie4sim::common {

// "0x1f": lower case, no padding.
inline std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

} // namespace aie4sim::common
