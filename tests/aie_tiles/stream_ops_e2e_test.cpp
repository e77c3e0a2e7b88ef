// End to end: element-wise operations and softmax through builder -> control code -> array.

#include "aie_tiles/workload/reference.h"
#include "aie_tiles/workload/workload.h"
#include "tests/aie_tiles/support/workload_runner.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

using namespace aie4sim;
using namespace aie4sim::tiles::workload;
using aie4sim::testing::ArrayBench;

namespace {

// Builds the element-wise op, runs it through a fresh array with x (and y, unless the op is
// unary) as inputs, and returns the output buffer.
template <class T>
std::vector<T> run_eltwise(const EltwiseSpec& spec, const BuildOptions& opt,
                           const std::vector<T>& x, const std::vector<T>& y) {
    const Workload w = build_eltwise(spec, PartitionShape{}, opt);
    INFO(w.op << ": " << w.plan);
    ArrayBench bench;
    std::vector<std::vector<std::uint8_t>> inputs{testing::as_bytes(x)};
    if (spec.op != EltwiseOp::relu) {
        inputs.push_back(testing::as_bytes(y));
    }
    inputs.emplace_back();
    const auto run = testing::run_workload(bench, w, inputs);
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    return testing::from_bytes<T>(run.outputs.back());
}

void check_i8(EltwiseOp op, std::uint32_t count, unsigned shift, const BuildOptions& opt) {
    std::mt19937 rng(count + static_cast<unsigned>(op));
    std::uniform_int_distribution<int> dist(-128, 127);
    std::vector<std::int8_t> x(count), y(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        x[i] = static_cast<std::int8_t>(dist(rng));
        y[i] = static_cast<std::int8_t>(dist(rng));
    }
    const auto out = run_eltwise({op, DataType::int8, count, shift}, opt, x, y);
    CHECK(out == eltwise_i8_reference(op, x, y, shift));
}

void check_bf16(EltwiseOp op, std::uint32_t count, const BuildOptions& opt) {
    std::mt19937 rng(count * 3 + static_cast<unsigned>(op));
    std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
    std::vector<std::uint16_t> x(count), y(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        x[i] = float_to_bf16(dist(rng));
        y[i] = float_to_bf16(dist(rng));
    }
    const auto out = run_eltwise({op, DataType::bf16, count, 0}, opt, x, y);
    // One fp32 operation rounded once to bf16: exact against the reference.
    CHECK(out == eltwise_bf16_reference(op, x, y));
}

} // namespace

TEST_CASE("int8 element-wise operations are bit-exact", "[e2e][eltwise]") {
    BuildOptions small;
    small.block_bytes = 256; // many units over all columns and cores, with a partial tail
    SECTION("add, 1 element") {
        check_i8(EltwiseOp::add, 1, 0, {});
    }
    SECTION("add, 10001 elements, small blocks") {
        check_i8(EltwiseOp::add, 10001, 0, small);
    }
    SECTION("mul with shift 3") {
        check_i8(EltwiseOp::mul, 5003, 3, small);
    }
    SECTION("relu") {
        check_i8(EltwiseOp::relu, 777, 0, small);
    }
    SECTION("add, 100000 elements, default blocks") {
        check_i8(EltwiseOp::add, 100000, 0, {});
    }
}

TEST_CASE("bf16 element-wise operations match the rounded reference", "[e2e][eltwise]") {
    BuildOptions small;
    small.block_bytes = 200;
    SECTION("add") {
        check_bf16(EltwiseOp::add, 3001, small);
    }
    SECTION("mul") {
        check_bf16(EltwiseOp::mul, 999, small);
    }
    SECTION("relu, odd count") {
        check_bf16(EltwiseOp::relu, 4097, {});
    }
}

TEST_CASE("bf16 softmax within bf16 rounding of the exact result", "[e2e][softmax]") {
    auto check = [](std::uint32_t rows, std::uint32_t cols, const BuildOptions& opt) {
        std::mt19937 rng(rows * 7 + cols);
        std::uniform_real_distribution<float> dist(-8.0f, 8.0f);
        std::vector<std::uint16_t> x(std::size_t{rows} * cols);
        for (auto& v : x) {
            v = float_to_bf16(dist(rng));
        }
        const Workload w = build_softmax({rows, cols}, PartitionShape{}, opt);
        INFO(w.op << ": " << w.plan);
        ArrayBench bench;
        const auto run = testing::run_workload(bench, w, {testing::as_bytes(x), {}});
        INFO(run.result.error);
        REQUIRE(run.result.ok());
        const auto y = testing::from_bytes<std::uint16_t>(run.outputs[1]);
        const auto exact = softmax_reference(x, rows, cols);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < y.size(); ++i) {
            // bf16 keeps 8 significant bits: relative error of a rounding is at most 2^-8;
            // allow twice that for the fp32 computation before it.
            bad +=
                std::fabs(bf16_to_float(y[i]) - exact[i]) > exact[i] * std::ldexp(1.0, -7) ? 1 : 0;
        }
        CHECK(bad == 0);
    };
    BuildOptions small;
    small.block_bytes = 300;
    SECTION("7 x 33 (odd columns: rows travel in pairs)") {
        check(7, 33, {});
    }
    SECTION("100 x 64, small blocks on every core") {
        check(100, 64, small);
    }
    SECTION("1 x 1") {
        check(1, 1, {});
    }
}
