#include "aie_tiles/workload/reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace aie4sim::tiles::workload {

float bf16_to_float(std::uint16_t h) {
    const std::uint32_t bits = std::uint32_t{h} << 16;
    float f = 0;
    std::memcpy(&f, &bits, 4);
    return f;
}

std::uint16_t float_to_bf16(float f) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    if (std::isnan(f)) {
        return static_cast<std::uint16_t>((bits >> 16) | 0x40);
    }
    // Round to nearest even on the dropped 16 bits.
    const std::uint32_t dropped = bits & 0xFFFF;
    std::uint32_t kept = bits >> 16;
    if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) != 0)) {
        ++kept;
    }
    return static_cast<std::uint16_t>(kept);
}

std::vector<std::int32_t> gemm_i8_reference(const std::vector<std::int8_t>& a,
                                            const std::vector<std::int8_t>& b, std::uint32_t m,
                                            std::uint32_t k, std::uint32_t n) {
    std::vector<std::int32_t> c(std::size_t{m} * n);
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            std::int64_t acc = 0;
            for (std::uint32_t x = 0; x < k; ++x) {
                acc += std::int64_t{a[std::size_t{i} * k + x]} * b[std::size_t{x} * n + j];
            }
            // Wrap modulo 2^32 like a 32-bit accumulator (defined through uint32).
            c[std::size_t{i} * n + j] = static_cast<std::int32_t>(static_cast<std::uint32_t>(acc));
        }
    }
    return c;
}

std::vector<float> gemm_bf16_reference(const std::vector<std::uint16_t>& a,
                                       const std::vector<std::uint16_t>& b, std::uint32_t m,
                                       std::uint32_t k, std::uint32_t n) {
    std::vector<float> c(std::size_t{m} * n);
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            volatile float acc = 0.0f; // volatile: one rounding per operation, never fused
            for (std::uint32_t x = 0; x < k; ++x) {
                volatile float product = bf16_to_float(a[std::size_t{i} * k + x]) *
                                         bf16_to_float(b[std::size_t{x} * n + j]);
                acc = acc + product;
            }
            c[std::size_t{i} * n + j] = acc;
        }
    }
    return c;
}

void gemm_bf16_exact(const std::vector<std::uint16_t>& a, const std::vector<std::uint16_t>& b,
                     std::uint32_t m, std::uint32_t k, std::uint32_t n, std::vector<double>& exact,
                     std::vector<double>& bound) {
    exact.assign(std::size_t{m} * n, 0.0);
    bound.assign(std::size_t{m} * n, 0.0);
    const double u = std::ldexp(1.0, -24);
    const double gamma = k * u / (1.0 - k * u);
    for (std::uint32_t i = 0; i < m; ++i) {
        for (std::uint32_t j = 0; j < n; ++j) {
            double s = 0;
            double abs_sum = 0;
            for (std::uint32_t x = 0; x < k; ++x) {
                // A bf16 x bf16 product has 16 significant bits: exact in double.
                const double p = double{bf16_to_float(a[std::size_t{i} * k + x])} *
                                 bf16_to_float(b[std::size_t{x} * n + j]);
                s += p;
                abs_sum += std::fabs(p);
            }
            exact[std::size_t{i} * n + j] = s;
            bound[std::size_t{i} * n + j] = gamma * abs_sum;
        }
    }
}

std::vector<std::int8_t> eltwise_i8_reference(EltwiseOp op, const std::vector<std::int8_t>& x,
                                              const std::vector<std::int8_t>& y, unsigned shift) {
    std::vector<std::int8_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        std::int64_t v = 0;
        switch (op) {
        case EltwiseOp::add:
            v = std::int64_t{x[i]} + y[i];
            break;
        case EltwiseOp::mul: {
            const std::int64_t p = std::int64_t{x[i]} * y[i];
            // Arithmetic shift rounding toward minus infinity.
            v = p >= 0 ? p >> shift : -((-p + (std::int64_t{1} << shift) - 1) >> shift);
            break;
        }
        case EltwiseOp::relu:
            v = std::max<std::int64_t>(0, x[i]);
            break;
        }
        out[i] = static_cast<std::int8_t>(std::clamp<std::int64_t>(v, -128, 127));
    }
    return out;
}

std::vector<std::uint16_t> eltwise_bf16_reference(EltwiseOp op, const std::vector<std::uint16_t>& x,
                                                  const std::vector<std::uint16_t>& y) {
    std::vector<std::uint16_t> out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float a = bf16_to_float(x[i]);
        switch (op) {
        case EltwiseOp::add:
            out[i] = float_to_bf16(a + bf16_to_float(y[i]));
            break;
        case EltwiseOp::mul:
            out[i] = float_to_bf16(a * bf16_to_float(y[i]));
            break;
        case EltwiseOp::relu:
            out[i] = std::signbit(a) ? std::uint16_t{0} : x[i];
            break;
        }
    }
    return out;
}

std::vector<double> softmax_reference(const std::vector<std::uint16_t>& x, std::uint32_t rows,
                                      std::uint32_t cols) {
    std::vector<double> out(std::size_t{rows} * cols);
    for (std::uint32_t r = 0; r < rows; ++r) {
        double mx = -INFINITY;
        for (std::uint32_t c = 0; c < cols; ++c) {
            mx = std::max<double>(mx, bf16_to_float(x[std::size_t{r} * cols + c]));
        }
        double sum = 0;
        for (std::uint32_t c = 0; c < cols; ++c) {
            sum += std::exp(double{bf16_to_float(x[std::size_t{r} * cols + c])} - mx);
        }
        for (std::uint32_t c = 0; c < cols; ++c) {
            out[std::size_t{r} * cols + c] =
                std::exp(double{bf16_to_float(x[std::size_t{r} * cols + c])} - mx) / sum;
        }
    }
    return out;
}

std::vector<std::uint8_t> pack(const HostBuffer& buffer, const void* dense) {
    const std::size_t es = data_type_size(buffer.type);
    std::vector<std::uint8_t> out(buffer.bytes(), 0);
    const auto* src = static_cast<const std::uint8_t*>(dense);
    for (std::uint32_t r = 0; r < buffer.rows; ++r) {
        std::memcpy(out.data() + std::size_t{r} * buffer.ld * es,
                    src + std::size_t{r} * buffer.cols * es, buffer.cols * es);
    }
    return out;
}

std::vector<std::uint8_t> unpack(const HostBuffer& buffer, const std::uint8_t* device) {
    const std::size_t es = data_type_size(buffer.type);
    std::vector<std::uint8_t> out(std::size_t{buffer.rows} * buffer.cols * es);
    for (std::uint32_t r = 0; r < buffer.rows; ++r) {
        std::memcpy(out.data() + std::size_t{r} * buffer.cols * es,
                    device + std::size_t{r} * buffer.ld * es, buffer.cols * es);
    }
    return out;
}

} // namespace aie4sim::tiles::workload
