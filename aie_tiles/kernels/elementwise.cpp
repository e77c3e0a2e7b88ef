// Element-wise kernels. Each loop reads element i of its inputs before writing element i of
// its output and runs with ascending i, so an output that starts exactly at an input (in-place
// operation) is correct; dispatch.cpp refuses other overlaps (requant_i32_i8 in-place is
// covered too: output byte i lies at or before input bytes 4i..4i+3).

#include "aie_tiles/kernels/bf16.h"
#include "aie_tiles/kernels/internal.h"

#include <cstring>

namespace aie4sim::tiles::kernels::detail {

namespace {

std::uint16_t load_u16(const std::uint8_t* p, std::uint32_t i) {
    std::uint16_t v = 0;
    std::memcpy(&v, p + std::size_t{i} * 2, 2);
    return v;
}

void store_u16(std::uint8_t* p, std::uint32_t i, std::uint16_t v) {
    std::memcpy(p + std::size_t{i} * 2, &v, 2);
}

} // namespace

void add_i8(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        const int sum = as_i8(x[i]) + as_i8(y[i]);
        out[i] = saturate_i8(sum);
    }
}

void mul_i8(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count,
            unsigned shift) {
    // The product (at most 2^14 in magnitude) is shifted right arithmetically, i.e. rounded
    // toward minus infinity, then saturated.
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::int64_t product = std::int64_t{as_i8(x[i])} * as_i8(y[i]);
        out[i] = saturate_i8(shift_right_floor(product, shift));
    }
}

void relu_i8(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = (x[i] & 0x80u) != 0 ? std::uint8_t{0} : x[i];
    }
}

void add_bf16(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out,
              std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        const float sum = bf16_to_f32(load_u16(x, i)) + bf16_to_f32(load_u16(y, i));
        store_u16(out, i, f32_to_bf16_kernel(sum));
    }
}

void mul_bf16(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out,
              std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        const float product = bf16_to_f32(load_u16(x, i)) * bf16_to_f32(load_u16(y, i));
        store_u16(out, i, f32_to_bf16_kernel(product));
    }
}

void relu_bf16(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count) {
    // max(x, +0) in fp32 is exact, so no rounding is involved: NaN -> canonical quiet NaN,
    // any negative value (including -0 and -inf) -> +0, everything else unchanged.
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::uint16_t v = load_u16(x, i);
        std::uint16_t r = v;
        if ((v & 0x7FFFu) > 0x7F80u) {
            r = kBf16CanonicalNan;
        } else if ((v & 0x8000u) != 0) {
            r = 0;
        }
        store_u16(out, i, r);
    }
}

void requant_i32_i8(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count, unsigned shift) {
    // Round half up: add 2^(shift-1), then shift right arithmetically; computed in 64 bits so
    // the rounding addition cannot overflow. Then saturate to int8.
    const std::int64_t rounding = shift > 0 ? (std::int64_t{1} << (shift - 1)) : 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        std::int32_t v = 0;
        std::memcpy(&v, x + std::size_t{i} * 4, 4);
        out[i] = saturate_i8(shift_right_floor(std::int64_t{v} + rounding, shift));
    }
}

} // namespace aie4sim::tiles::kernels::detail
