#include "aie_tiles/kernels/reference.h"

#include <cmath>
#include <cstring>

namespace aie4sim::tiles::kernels::reference {

namespace {

std::int8_t saturate(std::int64_t v) {
    if (v > 127) {
        return 127;
    }
    if (v < -128) {
        return -128;
    }
    return static_cast<std::int8_t>(v);
}

// floor(v / 2^shift), by division.
std::int64_t floor_div_pow2(std::int64_t v, unsigned shift) {
    const std::int64_t d = std::int64_t{1} << shift;
    std::int64_t q = v / d;
    if (v % d != 0 && v < 0) {
        q -= 1;
    }
    return q;
}

std::int32_t wrap_to_i32(std::int64_t v) {
    // Reduce modulo 2^32 into the int32 range explicitly.
    std::int64_t r = v % 4294967296LL;
    if (r < 0) {
        r += 4294967296LL;
    }
    if (r >= 2147483648LL) {
        r -= 4294967296LL;
    }
    return static_cast<std::int32_t>(r);
}

float float_of(std::uint16_t h) {
    return static_cast<float>(bf16_value(h));
}

} // namespace

double bf16_value(std::uint16_t h) {
    const bool negative = (h & 0x8000) != 0;
    const int exponent = (h >> 7) & 0xFF;
    const int mantissa = h & 0x7F;
    double magnitude = 0.0;
    if (exponent == 0xFF) {
        magnitude = mantissa == 0 ? HUGE_VAL : std::nan("");
    } else if (exponent == 0) {
        magnitude = std::ldexp(static_cast<double>(mantissa), -126 - 7);
    } else {
        magnitude = std::ldexp(static_cast<double>(128 + mantissa), exponent - 127 - 7);
    }
    return negative ? -magnitude : magnitude;
}

std::uint16_t round_to_bf16(float x) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &x, 4);
    const std::uint16_t sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000);
    if (std::isnan(x)) {
        // Keep the sign and the 7 upper mantissa (payload) bits; set the quiet bit.
        return static_cast<std::uint16_t>(sign | 0x7F80 | 0x40 | ((bits >> 16) & 0x7F));
    }
    const double magnitude = std::fabs(static_cast<double>(x));
    if (std::isinf(x) || magnitude == 0.0) {
        return static_cast<std::uint16_t>(sign | (std::isinf(x) ? 0x7F80 : 0));
    }
    int e = 0;
    std::frexp(magnitude, &e); // magnitude = f * 2^e, f in [0.5, 1): leading bit weight 2^(e-1)
    int quantum_exp = (e - 1) - 7;
    if (quantum_exp < -133) {
        quantum_exp = -133;
    }
    // nearbyint rounds to nearest-even in the default rounding mode; the quotient is exact.
    const double rounded =
        std::ldexp(std::nearbyint(std::ldexp(magnitude, -quantum_exp)), quantum_exp);
    const double max_finite = std::ldexp(255.0, 127 - 7);
    if (rounded > max_finite) {
        return static_cast<std::uint16_t>(sign | 0x7F80);
    }
    // `rounded` is a bf16 value; find its fields.
    std::uint16_t fields = 0;
    if (rounded < std::ldexp(1.0, -126)) {
        fields = static_cast<std::uint16_t>(std::ldexp(rounded, 133));
    } else {
        int re = 0;
        const double f = std::frexp(rounded, &re); // rounded = f * 2^re
        const int biased = re - 1 + 127;
        const int mantissa = static_cast<int>(std::ldexp(f, 8)) - 128;
        fields = static_cast<std::uint16_t>((biased << 7) | mantissa);
    }
    return static_cast<std::uint16_t>(sign | fields);
}

std::uint16_t round_result_to_bf16(float x) {
    return std::isnan(x) ? std::uint16_t{0x7FC0} : round_to_bf16(x);
}

void gemm_i8_i32(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, std::uint32_t m,
                 std::uint32_t k, std::uint32_t n, bool accumulate) {
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            std::int64_t sum = accumulate ? c[std::size_t{i} * n + j] : 0;
            for (std::uint32_t p = 0; p < k; ++p) {
                sum += std::int64_t{a[std::size_t{i} * k + p]} * b[std::size_t{p} * n + j];
            }
            c[std::size_t{i} * n + j] = wrap_to_i32(sum);
        }
    }
}

void gemm_bf16_f32(const std::uint16_t* a, const std::uint16_t* b, float* c, std::uint32_t m,
                   std::uint32_t k, std::uint32_t n, bool accumulate) {
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            float sum = accumulate ? c[std::size_t{i} * n + j] : 0.0f;
            for (std::uint32_t p = 0; p < k; ++p) {
                const float product =
                    float_of(a[std::size_t{i} * k + p]) * float_of(b[std::size_t{p} * n + j]);
                sum = sum + product;
            }
            c[std::size_t{i} * n + j] = sum;
        }
    }
}

void gemm_bf16_exact(const std::uint16_t* a, const std::uint16_t* b, const float* c_in, double* c,
                     std::uint32_t m, std::uint32_t k, std::uint32_t n) {
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            double sum = c_in != nullptr ? c_in[std::size_t{i} * n + j] : 0.0;
            for (std::uint32_t p = 0; p < k; ++p) {
                sum +=
                    bf16_value(a[std::size_t{i} * k + p]) * bf16_value(b[std::size_t{p} * n + j]);
            }
            c[std::size_t{i} * n + j] = sum;
        }
    }
}

void add_i8(const std::int8_t* x, const std::int8_t* y, std::int8_t* out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = saturate(std::int64_t{x[i]} + y[i]);
    }
}

void mul_i8(const std::int8_t* x, const std::int8_t* y, std::int8_t* out, std::uint32_t count,
            unsigned shift) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = saturate(floor_div_pow2(std::int64_t{x[i]} * y[i], shift));
    }
}

void relu_i8(const std::int8_t* x, std::int8_t* out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = x[i] < 0 ? std::int8_t{0} : x[i];
    }
}

void add_bf16(const std::uint16_t* x, const std::uint16_t* y, std::uint16_t* out,
              std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = round_result_to_bf16(float_of(x[i]) + float_of(y[i]));
    }
}

void mul_bf16(const std::uint16_t* x, const std::uint16_t* y, std::uint16_t* out,
              std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        out[i] = round_result_to_bf16(float_of(x[i]) * float_of(y[i]));
    }
}

void relu_bf16(const std::uint16_t* x, std::uint16_t* out, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
        const double v = bf16_value(x[i]);
        if (std::isnan(v)) {
            out[i] = 0x7FC0;
        } else if (v > 0.0) {
            out[i] = x[i];
        } else {
            out[i] = 0x0000; // +0 for negatives and both zeros
        }
    }
}

void requant_i32_i8(const std::int32_t* x, std::int8_t* out, std::uint32_t count, unsigned shift) {
    for (std::uint32_t i = 0; i < count; ++i) {
        std::int64_t v = x[i];
        if (shift > 0) {
            v = floor_div_pow2(v + (std::int64_t{1} << (shift - 1)), shift);
        }
        out[i] = saturate(v);
    }
}

void softmax_exact(const std::uint16_t* x, double* out, std::uint32_t rows, std::uint32_t cols) {
    for (std::uint32_t r = 0; r < rows; ++r) {
        const std::uint16_t* row = x + std::size_t{r} * cols;
        double max = bf16_value(row[0]);
        for (std::uint32_t j = 1; j < cols; ++j) {
            max = std::fmax(max, bf16_value(row[j]));
        }
        double sum = 0.0;
        for (std::uint32_t j = 0; j < cols; ++j) {
            sum += std::exp(bf16_value(row[j]) - max);
        }
        for (std::uint32_t j = 0; j < cols; ++j) {
            out[std::size_t{r} * cols + j] = std::exp(bf16_value(row[j]) - max) / sum;
        }
    }
}

void conv2d_i8_i32(const std::int8_t* in, const std::int8_t* weights, std::int32_t* out,
                   const Conv2dShape& s, bool accumulate) {
    const std::int64_t oh_count =
        (std::int64_t{s.h} + 2 * std::int64_t{s.padding} - s.kh) / s.stride + 1;
    const std::int64_t ow_count =
        (std::int64_t{s.w} + 2 * std::int64_t{s.padding} - s.kw) / s.stride + 1;
    for (std::int64_t oh = 0; oh < oh_count; ++oh) {
        for (std::int64_t ow = 0; ow < ow_count; ++ow) {
            for (std::int64_t co = 0; co < s.cout; ++co) {
                const std::size_t o = static_cast<std::size_t>((oh * ow_count + ow) * s.cout + co);
                std::int64_t sum = accumulate ? out[o] : 0;
                for (std::int64_t kh = 0; kh < s.kh; ++kh) {
                    for (std::int64_t kw = 0; kw < s.kw; ++kw) {
                        for (std::int64_t ci = 0; ci < s.cin; ++ci) {
                            const std::int64_t ih = oh * s.stride - s.padding + kh;
                            const std::int64_t iw = ow * s.stride - s.padding + kw;
                            std::int64_t pixel = 0;
                            if (ih >= 0 && ih < s.h && iw >= 0 && iw < s.w) {
                                pixel = std::int64_t{in[(ih * s.w + iw) * s.cin + ci]};
                            }
                            const std::int64_t weight{
                                weights[((kh * s.kw + kw) * s.cin + ci) * s.cout + co]};
                            sum += pixel * weight;
                        }
                    }
                }
                out[o] = wrap_to_i32(sum);
            }
        }
    }
}

} // namespace aie4sim::tiles::kernels::reference
