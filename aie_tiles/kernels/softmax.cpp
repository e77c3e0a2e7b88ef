// Row-wise softmax over a rows x cols bf16 matrix (row-major), computed in fp32:
//   m = max_j x_j;  e_j = exp_f32(x_j - m);  s = sum_j e_j (j ascending);  y_j = bf16(e_j / s)
// Subtracting the row maximum keeps every exponent <= 0, so e_j is in [0, 1], s >= 1 and
// nothing overflows. A row holding a NaN or +inf, or only -inf, yields NaN everywhere (the
// literal evaluation of the formula above: inf - inf and NaN propagate into s).

#include "aie_tiles/kernels/bf16.h"
#include "aie_tiles/kernels/internal.h"

#include <cstring>
#include <vector>

namespace aie4sim::tiles::kernels::detail {

float exp_f32(float x) {
    if (x != x) {
        return x;
    }
    if (x > 88.72283172607421875f) { // largest float whose exp is finite
        return f32_from_bits(0x7F800000u);
    }
    if (x < -104.0f) { // exp(x) < 2^-150: rounds to zero
        return 0.0f;
    }
    // x = n*ln2 + r with n integer and |r| <= ln2/2. n is rounded to nearest with the 1.5*2^23
    // trick (valid for |x*log2e| < 2^22). ln2 is split in two so that n*ln2_hi is exact
    // (ln2_hi has 16 significant bits and |n| <= 150).
    constexpr float kLog2e = 1.44269504088896341f;
    constexpr float kRoundMagic = 12582912.0f; // 1.5 * 2^23
    constexpr float kLn2Hi = 0.693145751953125f;
    constexpr float kLn2Lo = 1.4286068203094172321e-06f;
    const float n = (x * kLog2e + kRoundMagic) - kRoundMagic;
    float r = x - n * kLn2Hi;
    r = r - n * kLn2Lo;
    // e^r by its Taylor series to degree 7 (truncation error < 2^-27 for |r| <= ln2/2).
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    // Multiply by 2^n in two exactly representable steps so that results in the subnormal
    // range are rounded only once (the first step is exact).
    const int ni = static_cast<int>(n);
    const int n1 = ni / 2;
    const int n2 = ni - n1;
    const float scale1 = f32_from_bits(static_cast<std::uint32_t>(n1 + 127) << 23);
    const float scale2 = f32_from_bits(static_cast<std::uint32_t>(n2 + 127) << 23);
    return (p * scale1) * scale2;
}

void softmax_bf16(const std::uint8_t* x, std::uint8_t* out, std::uint32_t rows,
                  std::uint32_t cols) {
    std::vector<float> row(cols);
    for (std::uint32_t r = 0; r < rows; ++r) {
        const std::size_t base = static_cast<std::size_t>(r) * cols * 2;
        for (std::uint32_t j = 0; j < cols; ++j) {
            std::uint16_t h = 0;
            std::memcpy(&h, x + base + std::size_t{j} * 2, 2);
            row[j] = bf16_to_f32(h);
        }
        float max = row[0];
        for (std::uint32_t j = 1; j < cols; ++j) {
            if (row[j] > max) {
                max = row[j];
            }
        }
        float sum = 0.0f;
        for (std::uint32_t j = 0; j < cols; ++j) {
            row[j] = exp_f32(row[j] - max);
            sum = sum + row[j];
        }
        for (std::uint32_t j = 0; j < cols; ++j) {
            const std::uint16_t y = f32_to_bf16_kernel(row[j] / sum);
            std::memcpy(out + base + std::size_t{j} * 2, &y, 2);
        }
    }
}

} // namespace aie4sim::tiles::kernels::detail
