#pragma once
// Internal interface between dispatch.cpp (validation) and the kernel bodies. Every function
// here assumes its invocation was validated: shapes non-zero and within limits, buffers inside
// the data memory, and outputs overlapping inputs only in the ways dispatch.cpp allows.
// Buffers are byte pointers into the tile's data memory; multi-byte values are little-endian
// and need not be aligned (they are accessed with memcpy).

#include <cstdint>

namespace aie4sim::tiles::kernels::detail {

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error                                                                                             \
    "the kernels read tile memory (little-endian) with host loads: a little-endian host is needed"
#endif

// Value of a byte read as a two's complement int8, widened to int16 (a single sign-extending
// load). The uint8 -> int8 conversion is modular: implementation-defined before C++20 but so
// defined by every compiler we support, and the C++20 rule.
inline std::int16_t as_i8(std::uint8_t byte) {
    return static_cast<std::int16_t>(static_cast<std::int8_t>(byte));
}

inline std::uint8_t saturate_i8(std::int64_t v) {
    const std::int64_t clamped = v < -128 ? -128 : (v > 127 ? 127 : v);
    return static_cast<std::uint8_t>(static_cast<std::int8_t>(clamped));
}

// Arithmetic right shift rounding toward minus infinity, written without relying on the
// implementation-defined behaviour of >> on negative values. shift in [0, 63).
inline std::int64_t shift_right_floor(std::int64_t v, unsigned shift) {
    return v >= 0 ? (v >> shift) : -1 - ((-1 - v) >> shift);
}

void gemm_i8_i32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* c, std::uint32_t m,
                 std::uint32_t k, std::uint32_t n, bool accumulate);
void gemm_bf16_f32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* c, std::uint32_t m,
                   std::uint32_t k, std::uint32_t n, bool accumulate);

void add_i8(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count);
void mul_i8(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count,
            unsigned shift);
void relu_i8(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count);
void add_bf16(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count);
void mul_bf16(const std::uint8_t* x, const std::uint8_t* y, std::uint8_t* out, std::uint32_t count);
void relu_bf16(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count);
void requant_i32_i8(const std::uint8_t* x, std::uint8_t* out, std::uint32_t count, unsigned shift);

void softmax_bf16(const std::uint8_t* x, std::uint8_t* out, std::uint32_t rows, std::uint32_t cols);

// exp() in fp32 from basic IEEE operations only, so that its results are the same on every
// host (the C library's expf differs between libm versions). Maximum error a few ulp.
float exp_f32(float x);

struct ConvShape {
    std::uint32_t h, w, cin, cout, kh, kw, stride, padding;
    std::uint32_t oh, ow; // output height and width
};
void conv2d_i8_i32(const std::uint8_t* in, const std::uint8_t* weights, std::uint8_t* out,
                   const ConvShape& s, bool accumulate);

} // namespace aie4sim::tiles::kernels::detail
