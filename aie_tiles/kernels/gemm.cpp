// GEMM kernels: C[M][N] (+)= A[M][K] * B[K][N], all row-major.
//
// Both kernels work on panels of B: a block of kColBlock columns is copied (widened to int16,
// or converted to fp32) into a contiguous K x kColBlock scratch panel padded with zeros, then
// every block of kRowBlock rows of A is multiplied against it with fixed-size inner loops over
// a local accumulator tile. The fixed trip counts let GCC and Clang vectorise the inner loop
// at -O2 as well as -O3 without run-time alias checks, and the accumulator tile (2 KB) stays
// in L1 while the panel (K * 256 bytes) stays in L2.

#include "aie_tiles/kernels/bf16.h"
#include "aie_tiles/kernels/internal.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace aie4sim::tiles::kernels::detail {

namespace {

constexpr std::uint32_t kRowBlock = 4;
constexpr std::uint32_t kColBlockI8 = 128;
constexpr std::uint32_t kColBlockBf16 = 64;

} // namespace

void gemm_i8_i32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* c, std::uint32_t m,
                 std::uint32_t k, std::uint32_t n, bool accumulate) {
    // int8 x int8 products fit in int16 (|p| <= 16384); sums are kept in uint32 so that
    // overflow wraps modulo 2^32 (defined behaviour) exactly like int32 hardware accumulators.
    std::vector<std::int16_t> panel(static_cast<std::size_t>(k) * kColBlockI8);
    for (std::uint32_t j0 = 0; j0 < n; j0 += kColBlockI8) {
        const std::uint32_t cols = std::min(kColBlockI8, n - j0);
        for (std::uint32_t kk = 0; kk < k; ++kk) {
            std::int16_t* dst = panel.data() + static_cast<std::size_t>(kk) * kColBlockI8;
            const std::uint8_t* src = b + static_cast<std::size_t>(kk) * n + j0;
            for (std::uint32_t j = 0; j < cols; ++j) {
                dst[j] = as_i8(src[j]);
            }
            std::fill(dst + cols, dst + kColBlockI8, std::int16_t{0});
        }
        for (std::uint32_t i0 = 0; i0 < m; i0 += kRowBlock) {
            const std::uint32_t rows = std::min(kRowBlock, m - i0);
            std::uint32_t acc[kRowBlock][kColBlockI8] = {};
            if (accumulate) {
                for (std::uint32_t r = 0; r < rows; ++r) {
                    std::memcpy(acc[r], c + (static_cast<std::size_t>(i0 + r) * n + j0) * 4,
                                std::size_t{cols} * 4);
                }
            }
            const std::uint8_t* a_block = a + static_cast<std::size_t>(i0) * k;
            for (std::uint32_t kk = 0; kk < k; ++kk) {
                std::int16_t av[kRowBlock] = {};
                for (std::uint32_t r = 0; r < rows; ++r) {
                    av[r] = as_i8(a_block[static_cast<std::size_t>(r) * k + kk]);
                }
                const std::int16_t* bk = panel.data() + static_cast<std::size_t>(kk) * kColBlockI8;
                for (std::uint32_t r = 0; r < kRowBlock; ++r) {
                    for (std::uint32_t j = 0; j < kColBlockI8; ++j) {
                        const auto product = static_cast<std::int16_t>(av[r] * bk[j]);
                        acc[r][j] += static_cast<std::uint32_t>(static_cast<std::int32_t>(product));
                    }
                }
            }
            for (std::uint32_t r = 0; r < rows; ++r) {
                std::memcpy(c + (static_cast<std::size_t>(i0 + r) * n + j0) * 4, acc[r],
                            std::size_t{cols} * 4);
            }
        }
    }
}

void gemm_bf16_f32(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* c, std::uint32_t m,
                   std::uint32_t k, std::uint32_t n, bool accumulate) {
    // Each C element is computed as acc = (accumulate ? C : +0.0f); for k ascending:
    // acc = acc + a*b, with the product and the sum each rounded to fp32 (no fused
    // multiply-add: the library is built with -ffp-contract=off). The loop order below runs
    // over j innermost, which keeps exactly that per-element order.
    std::vector<float> panel(static_cast<std::size_t>(k) * kColBlockBf16);
    for (std::uint32_t j0 = 0; j0 < n; j0 += kColBlockBf16) {
        const std::uint32_t cols = std::min(kColBlockBf16, n - j0);
        for (std::uint32_t kk = 0; kk < k; ++kk) {
            float* dst = panel.data() + static_cast<std::size_t>(kk) * kColBlockBf16;
            const std::uint8_t* src = b + (static_cast<std::size_t>(kk) * n + j0) * 2;
            for (std::uint32_t j = 0; j < cols; ++j) {
                std::uint16_t h = 0;
                std::memcpy(&h, src + std::size_t{j} * 2, 2);
                dst[j] = bf16_to_f32(h);
            }
            std::fill(dst + cols, dst + kColBlockBf16, 0.0f);
        }
        for (std::uint32_t i0 = 0; i0 < m; i0 += kRowBlock) {
            const std::uint32_t rows = std::min(kRowBlock, m - i0);
            float acc[kRowBlock][kColBlockBf16] = {};
            if (accumulate) {
                for (std::uint32_t r = 0; r < rows; ++r) {
                    std::memcpy(acc[r], c + (static_cast<std::size_t>(i0 + r) * n + j0) * 4,
                                std::size_t{cols} * 4);
                }
            }
            for (std::uint32_t kk = 0; kk < k; ++kk) {
                float av[kRowBlock] = {};
                for (std::uint32_t r = 0; r < rows; ++r) {
                    std::uint16_t h = 0;
                    std::memcpy(&h, a + (static_cast<std::size_t>(i0 + r) * k + kk) * 2, 2);
                    av[r] = bf16_to_f32(h);
                }
                const float* bk = panel.data() + static_cast<std::size_t>(kk) * kColBlockBf16;
                for (std::uint32_t r = 0; r < kRowBlock; ++r) {
                    for (std::uint32_t j = 0; j < kColBlockBf16; ++j) {
                        const float product = av[r] * bk[j];
                        acc[r][j] = acc[r][j] + product;
                    }
                }
            }
            for (std::uint32_t r = 0; r < rows; ++r) {
                std::memcpy(c + (static_cast<std::size_t>(i0 + r) * n + j0) * 4, acc[r],
                            std::size_t{cols} * 4);
            }
        }
    }
}

} // namespace aie4sim::tiles::kernels::detail
