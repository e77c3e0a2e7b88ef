#pragma once
// The XRT GEMM program's own CPU side: random inputs and the reference product it checks the
// device's result against. C = A (M x K) * B (K x N), row-major with leading dimensions.
//   int8:  int8 inputs, int32 result, exact.
//   bf16:  bf16 inputs, fp32 result; checked against the product in double precision within
//          the forward error bound of any fp32 summation order, gamma_K * sum_k |a_ik b_kj|
//          (gamma_K = K u / (1 - K u), u = 2^-24).

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace xrt_programs {

float bf16_to_float(std::uint16_t bits);
std::uint16_t float_to_bf16(float value); // round to nearest even

struct GemmShape {
    std::uint32_t m = 0, k = 0, n = 0;
    std::uint32_t lda = 0, ldb = 0, ldc = 0; // in elements
};

// Fills `a` (m x lda) and `b` (k x ldb) with random values, zero in the padding columns:
// int8 uniformly over all values, bf16 uniformly in [-2, 2).
void random_int8(std::mt19937& random, std::uint32_t rows, std::uint32_t cols, std::uint32_t ld,
                 std::int8_t* out);
void random_bf16(std::mt19937& random, std::uint32_t rows, std::uint32_t cols, std::uint32_t ld,
                 std::uint16_t* out);

// "" when `c` is the product; otherwise which element is the first that is not, and how many.
std::string check_gemm_int8(const GemmShape& s, const std::int8_t* a, const std::int8_t* b,
                            const std::int32_t* c);
std::string check_gemm_bf16(const GemmShape& s, const std::uint16_t* a, const std::uint16_t* b,
                            const float* c);

} // namespace xrt_programs
