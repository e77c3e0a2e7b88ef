#pragma once
// bf16 <-> fp32 conversions shared by the bf16 kernels.
//
// bf16 is the upper half of an IEEE-754 binary32: 1 sign bit, 8 exponent bits (bias 127) and
// 7 stored mantissa bits. Widening to fp32 is exact (append 16 zero bits). Narrowing rounds to
// nearest, ties to even, on the bit pattern: adding 0x7FFF plus the lowest kept bit to the
// fp32 pattern carries into the kept half exactly when the dropped half is above one half, or
// equal to one half with an odd kept half. The carry can ripple into the exponent, which is
// what makes the largest finite values round up to infinity and the largest subnormals round
// up to the smallest normal, as IEEE requires. NaNs are handled first: truncating a NaN whose
// payload sits only in the dropped bits would produce an infinity, so a NaN keeps its sign
// and upper payload and gets the quiet bit (bf16 bit 6) set.

#include <cstdint>
#include <cstring>

namespace aie4sim::tiles::kernels {

// Quiet NaN that the bf16 kernels produce for every NaN result (see docs/kernels.md).
inline constexpr std::uint16_t kBf16CanonicalNan = 0x7FC0;

inline float bf16_to_f32(std::uint16_t h) {
    const std::uint32_t bits = static_cast<std::uint32_t>(h) << 16;
    float f = 0.0f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

inline std::uint32_t f32_bits(float f) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

inline float f32_from_bits(std::uint32_t bits) {
    float f = 0.0f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// fp32 -> bf16, round to nearest even; NaN stays NaN (sign and upper payload kept, quietened).
inline std::uint16_t f32_to_bf16(float f) {
    const std::uint32_t bits = f32_bits(f);
    if ((bits & 0x7FFFFFFFu) > 0x7F800000u) {
        return static_cast<std::uint16_t>((bits >> 16) | 0x0040u);
    }
    const std::uint32_t lowest_kept = (bits >> 16) & 1u;
    return static_cast<std::uint16_t>((bits + 0x7FFFu + lowest_kept) >> 16);
}

// The rounding the bf16 kernels apply to their fp32 results: like f32_to_bf16, but every NaN
// becomes kBf16CanonicalNan so that results do not depend on the host FPU's NaN propagation.
inline std::uint16_t f32_to_bf16_kernel(float f) {
    if (f != f) {
        return kBf16CanonicalNan;
    }
    return f32_to_bf16(f);
}

} // namespace aie4sim::tiles::kernels
