#include "aie_tiles/workload/workload_data.h"

#include "aie_tiles/workload/reference.h"

#include <cmath>
#include <cstring>
#include <random>
#include <type_traits>

namespace aie4sim::tiles::workload {

namespace {

constexpr double kSoftmaxTolerance = 1.0 / 128; // bf16's 2^-8 rounding, twice (fp32 inside)

template <typename T> std::vector<T> as(const std::vector<std::uint8_t>& bytes) {
    std::vector<T> v(bytes.size() / sizeof(T));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
    return v;
}

template <typename T> std::vector<std::uint8_t> bytes_of(const std::vector<T>& v) {
    std::vector<std::uint8_t> b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

} // namespace

WorkloadData make_workload_data(const Workload& w, std::uint32_t seed) {
    WorkloadData d;
    d.seed = seed;
    const bool gemm = std::holds_alternative<GemmSpec>(w.spec);
    const float range = gemm ? 2.0f : 8.0f;
    d.generator = "std::mt19937(" + std::to_string(seed) +
                  "), buffer after buffer: int8 = (int8_t)rng(), bf16 = bf16(uniform_real(-" +
                  std::to_string(static_cast<int>(range)) + ", " +
                  std::to_string(static_cast<int>(range)) + "))";
    std::mt19937 rng(seed);
    std::vector<std::vector<std::uint8_t>> dense(w.buffers.size());
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const HostBuffer& b = w.buffers[i];
        if (b.role != BufferRole::input) {
            continue;
        }
        const std::size_t n = std::size_t{b.rows} * b.cols;
        if (b.type == DataType::bf16) {
            std::uniform_real_distribution<float> dist(-range, range);
            std::vector<std::uint16_t> v(n);
            for (auto& e : v) {
                e = float_to_bf16(dist(rng));
            }
            dense[i] = bytes_of(v);
        } else {
            std::vector<std::int8_t> v(n);
            for (auto& e : v) {
                e = static_cast<std::int8_t>(rng());
            }
            dense[i] = bytes_of(v);
        }
    }
    WorkloadData fed = workload_data_for(w, dense);
    d.inputs = std::move(fed.inputs);
    d.expected = std::move(fed.expected);
    d.compare = fed.compare;
    return d;
}

WorkloadData workload_data_for(const Workload& w,
                               const std::vector<std::vector<std::uint8_t>>& dense) {
    WorkloadData d;
    d.inputs.resize(w.buffers.size());
    d.expected.resize(w.buffers.size());
    d.compare = "exact";
    d.generator = "given";
    if (dense.size() != w.buffers.size()) {
        throw BuildError(w.op + ": " + std::to_string(dense.size()) + " inputs for " +
                         std::to_string(w.buffers.size()) + " buffers");
    }
    std::size_t out = w.buffers.size();
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const HostBuffer& b = w.buffers[i];
        if (b.role != BufferRole::input) {
            out = b.role == BufferRole::output ? i : out;
            continue;
        }
        const std::size_t want = std::size_t{b.rows} * b.cols * data_type_size(b.type);
        if (dense[i].size() != want) {
            throw BuildError(w.op + ": input " + b.name + " has " +
                             std::to_string(dense[i].size()) + " bytes, needs " +
                             std::to_string(want));
        }
        d.inputs[i] = pack(b, dense[i].data());
    }
    if (out == w.buffers.size()) {
        throw BuildError(w.op + ": no output buffer");
    }
    std::vector<std::uint8_t> result;
    std::visit(
        [&](const auto& spec) {
            using S = std::decay_t<decltype(spec)>;
            if constexpr (std::is_same_v<S, GemmSpec>) {
                if (spec.type == GemmType::int8_int32) {
                    result = bytes_of(gemm_i8_reference(as<std::int8_t>(dense[0]),
                                                        as<std::int8_t>(dense[1]), spec.m, spec.k,
                                                        spec.n));
                } else {
                    result = bytes_of(gemm_bf16_reference(as<std::uint16_t>(dense[0]),
                                                          as<std::uint16_t>(dense[1]), spec.m,
                                                          spec.k, spec.n));
                }
            } else if constexpr (std::is_same_v<S, EltwiseSpec>) {
                const bool binary = spec.op != EltwiseOp::relu;
                if (spec.type == DataType::int8) {
                    const auto x = as<std::int8_t>(dense[0]);
                    const auto y = binary ? as<std::int8_t>(dense[1]) : x;
                    result = bytes_of(eltwise_i8_reference(spec.op, x, y, spec.shift));
                } else {
                    const auto x = as<std::uint16_t>(dense[0]);
                    const auto y = binary ? as<std::uint16_t>(dense[1]) : x;
                    result = bytes_of(eltwise_bf16_reference(spec.op, x, y));
                }
            } else if constexpr (std::is_same_v<S, SoftmaxSpec>) {
                const auto exact =
                    softmax_reference(as<std::uint16_t>(dense[0]), spec.rows, spec.cols);
                std::vector<std::uint16_t> y(exact.size());
                for (std::size_t i = 0; i < y.size(); ++i) {
                    y[i] = float_to_bf16(static_cast<float>(exact[i]));
                }
                result = bytes_of(y);
                d.compare = "bf16-relative:0.0078125";
            } else {
                result = dense[0];
            }
        },
        w.spec);
    d.expected[out] = pack(w.buffers[out], result.data());
    return d;
}

std::string check_output(const Workload& w, const WorkloadData& data, std::size_t index,
                         const std::uint8_t* device) {
    const HostBuffer& b = w.buffers.at(index);
    const std::vector<std::uint8_t>& expected = data.expected.at(index);
    if (expected.size() != b.bytes()) {
        return "no expected data for buffer " + b.name;
    }
    const unsigned size = data_type_size(b.type);
    const bool relative = data.compare != "exact";
    std::size_t bad = 0;
    std::string first;
    for (std::uint32_t r = 0; r < b.rows; ++r) {
        for (std::uint32_t c = 0; c < b.cols; ++c) {
            const std::size_t at = (std::size_t{r} * b.ld + c) * size;
            bool ok = std::memcmp(device + at, expected.data() + at, size) == 0;
            if (!ok && relative && b.type == DataType::bf16) {
                std::uint16_t y = 0;
                std::uint16_t e = 0;
                std::memcpy(&y, device + at, 2);
                std::memcpy(&e, expected.data() + at, 2);
                const double ye = bf16_to_float(y);
                const double ee = bf16_to_float(e);
                ok = std::fabs(ye - ee) <= std::fabs(ee) * kSoftmaxTolerance;
            }
            if (!ok && bad++ == 0) {
                first = b.name + "[" + std::to_string(r) + "][" + std::to_string(c) + "]";
            }
        }
    }
    if (bad == 0) {
        return "";
    }
    return std::to_string(bad) + " element(s) of " + b.name + " differ from the reference, first " +
           first;
}

} // namespace aie4sim::tiles::workload
