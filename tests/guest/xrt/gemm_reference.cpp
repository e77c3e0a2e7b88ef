#include "gemm_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace xrt_programs {

float bf16_to_float(std::uint16_t bits) {
    const std::uint32_t wide = std::uint32_t{bits} << 16;
    float f = 0;
    std::memcpy(&f, &wide, sizeof f);
    return f;
}

std::uint16_t float_to_bf16(float value) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    if (std::isnan(value)) {
        return static_cast<std::uint16_t>((bits >> 16) | 0x40);
    }
    const std::uint32_t rounding = 0x7FFF + ((bits >> 16) & 1);
    return static_cast<std::uint16_t>((bits + rounding) >> 16);
}

void random_int8(std::mt19937& random, std::uint32_t rows, std::uint32_t cols, std::uint32_t ld,
                 std::int8_t* out) {
    std::uniform_int_distribution<int> value(-128, 127);
    for (std::uint32_t r = 0; r < rows; ++r) {
        for (std::uint32_t c = 0; c < ld; ++c) {
            out[std::size_t{r} * ld + c] = static_cast<std::int8_t>(c < cols ? value(random) : 0);
        }
    }
}

void random_bf16(std::mt19937& random, std::uint32_t rows, std::uint32_t cols, std::uint32_t ld,
                 std::uint16_t* out) {
    std::uniform_real_distribution<float> value(-2.0F, 2.0F);
    for (std::uint32_t r = 0; r < rows; ++r) {
        for (std::uint32_t c = 0; c < ld; ++c) {
            out[std::size_t{r} * ld + c] = c < cols ? float_to_bf16(value(random)) : 0;
        }
    }
}

std::string check_gemm_int8(const GemmShape& s, const std::int8_t* a, const std::int8_t* b,
                            const std::int32_t* c) {
    std::uint64_t wrong = 0;
    std::string first;
    std::vector<std::int32_t> row(s.n);
    for (std::uint32_t i = 0; i < s.m; ++i) {
        std::fill(row.begin(), row.end(), 0);
        for (std::uint32_t p = 0; p < s.k; ++p) {
            const auto x = std::int32_t{a[std::size_t{i} * s.lda + p]};
            const std::int8_t* brow = b + std::size_t{p} * s.ldb;
            for (std::uint32_t j = 0; j < s.n; ++j) {
                row[j] += x * brow[j];
            }
        }
        for (std::uint32_t j = 0; j < s.n; ++j) {
            const std::int32_t got = c[std::size_t{i} * s.ldc + j];
            if (got != row[j] && wrong++ == 0) {
                char text[120];
                std::snprintf(text, sizeof text, "C[%u][%u] is %d, expected %d", i, j, got, row[j]);
                first = text;
            }
        }
    }
    if (wrong == 0) {
        return "";
    }
    return first + " (" + std::to_string(wrong) + " of " +
           std::to_string(std::uint64_t{s.m} * s.n) + " elements differ)";
}

std::string check_gemm_bf16(const GemmShape& s, const std::uint16_t* a, const std::uint16_t* b,
                            const float* c) {
    const double u = std::ldexp(1.0, -24);
    const double gamma = s.k * u / (1 - s.k * u);
    std::uint64_t wrong = 0;
    std::string first;
    std::vector<double> exact(s.n);
    std::vector<double> magnitude(s.n);
    for (std::uint32_t i = 0; i < s.m; ++i) {
        std::fill(exact.begin(), exact.end(), 0.0);
        std::fill(magnitude.begin(), magnitude.end(), 0.0);
        for (std::uint32_t p = 0; p < s.k; ++p) {
            const double x = bf16_to_float(a[std::size_t{i} * s.lda + p]);
            const std::uint16_t* brow = b + std::size_t{p} * s.ldb;
            for (std::uint32_t j = 0; j < s.n; ++j) {
                const double product = x * bf16_to_float(brow[j]);
                exact[j] += product;
                magnitude[j] += std::fabs(product);
            }
        }
        for (std::uint32_t j = 0; j < s.n; ++j) {
            const double got = c[std::size_t{i} * s.ldc + j];
            const double bound = gamma * magnitude[j];
            if (!(std::fabs(got - exact[j]) <= bound) && wrong++ == 0) {
                char text[160];
                std::snprintf(text, sizeof text, "C[%u][%u] is %.9g, expected %.9g within %.3g", i,
                              j, got, exact[j], bound);
                first = text;
            }
        }
    }
    if (wrong == 0) {
        return "";
    }
    return first + " (" + std::to_string(wrong) + " of " +
           std::to_string(std::uint64_t{s.m} * s.n) + " elements out of bounds)";
}

} // namespace xrt_programs
