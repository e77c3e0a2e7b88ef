#pragma once
// Deliberately simple reference implementations of the kernels, written independently of the
// optimised ones so that tests compare two implementations: plain loops in the textbook order,
// wide (int64 / double) intermediates, and bf16 conversions computed from the format
// definition (sign, exponent, mantissa fields and frexp/nearbyint) instead of bit tricks.
// They work on typed host arrays, not on tile memory, and do no validation.

#include <cstdint>

namespace aie4sim::tiles::kernels::reference {

// Value of a bf16 bit pattern, computed from its fields (exact in double).
double bf16_value(std::uint16_t h);

// fp32 -> bf16 rounded to nearest, ties to even, computed arithmetically: the value is
// rounded to a multiple of its bf16 quantum (2^(e-7) for a leading bit of weight 2^e, never
// below the subnormal quantum 2^-133), overflowing to infinity past the largest finite bf16.
// NaN keeps its sign and upper payload and is made quiet.
std::uint16_t round_to_bf16(float x);

// The kernels' rounding of a result: NaN -> 0x7FC0, otherwise round_to_bf16.
std::uint16_t round_result_to_bf16(float x);

void gemm_i8_i32(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::uint32_t m,
                 std::uint32_t k, std::uint32_t n, bool accumulate);
// fp32 accumulation, k ascending, starting from C (accumulate) or +0.
void gemm_bf16_f32(const std::uint16_t* a, const std::uint16_t* b, float* c, std::uint32_t m,
                   std::uint32_t k, std::uint32_t n, bool accumulate);
// The exact value of the same GEMM, in double (exact for the operand ranges the tests use).
void gemm_bf16_exact(const std::uint16_t* a, const std::uint16_t* b, const float* c_in, double* c,
                     std::uint32_t m, std::uint32_t k, std::uint32_t n);

void add_i8(const std::int8_t* x, const std::int8_t* y, std::int8_t* out, std::uint32_t count);
void mul_i8(const std::int8_t* x, const std::int8_t* y, std::int8_t* out, std::uint32_t count,
            unsigned shift);
void relu_i8(const std::int8_t* x, std::int8_t* out, std::uint32_t count);
void add_bf16(const std::uint16_t* x, const std::uint16_t* y, std::uint16_t* out,
              std::uint32_t count);
void mul_bf16(const std::uint16_t* x, const std::uint16_t* y, std::uint16_t* out,
              std::uint32_t count);
void relu_bf16(const std::uint16_t* x, std::uint16_t* out, std::uint32_t count);
void requant_i32_i8(const std::int32_t* x, std::int8_t* out, std::uint32_t count, unsigned shift);

// Mathematical softmax of each row, in double (no rounding to bf16).
void softmax_exact(const std::uint16_t* x, double* out, std::uint32_t rows, std::uint32_t cols);

struct Conv2dShape {
    std::uint32_t h, w, cin, cout, kh, kw, stride, padding;
};
// Output is [OH][OW][Cout] with OH = (H + 2P - KH)/stride + 1 (same for W).
void conv2d_i8_i32(const std::int8_t* in, const std::int8_t* weights, std::int32_t* out,
                   const Conv2dShape& s, bool accumulate);

} // namespace aie4sim::tiles::kernels::reference
