// End to end in one process: workload builder -> control code -> array -> host memory, for
// GEMMs of several shapes, compared with CPU references.

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

struct GemmCase {
    std::uint32_t m, k, n;
};

void check_int8_gemm(const GemmCase& s, const BuildOptions& opt = {},
                     const tiles::ArrayConfig& cfg = {}) {
    std::mt19937 rng(s.m * 1000003u + s.k * 1009u + s.n);
    std::uniform_int_distribution<int> dist(-128, 127);
    std::vector<std::int8_t> a(std::size_t{s.m} * s.k), b(std::size_t{s.k} * s.n);
    for (auto& v : a) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    for (auto& v : b) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    PartitionShape part{cfg.geometry.columns, cfg.geometry.core_rows, cfg.geometry.mem_rows};
    const Workload w = build_gemm(GemmSpec{s.m, s.k, s.n, GemmType::int8_int32}, part, opt);
    INFO(w.op << ": " << w.plan);
    ArrayBench bench(cfg);
    const auto run =
        testing::run_workload(bench, w, {testing::as_bytes(a), testing::as_bytes(b), {}});
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    const auto c = testing::from_bytes<std::int32_t>(run.outputs[2]);
    const auto expected = gemm_i8_reference(a, b, s.m, s.k, s.n);
    REQUIRE(c.size() == expected.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        mismatches += c[i] != expected[i] ? 1 : 0;
    }
    CHECK(mismatches == 0);
    CHECK(run.result.cycles > 0);
}

} // namespace

TEST_CASE("int8 GEMM 1x1x1 is bit-exact", "[e2e][gemm]") {
    check_int8_gemm({1, 1, 1});
}

TEST_CASE("int8 GEMM 100x70x130 (nothing divides) is bit-exact", "[e2e][gemm]") {
    check_int8_gemm({100, 70, 130});
}

TEST_CASE("int8 GEMM 256x256x256 is bit-exact", "[e2e][gemm]") {
    check_int8_gemm({256, 256, 256});
}

TEST_CASE("int8 GEMM with small tiles: many units, super-panels and partial K chunks",
          "[e2e][gemm]") {
    // Forces every edge path of the builder: 5 super-panels, 17 n-blocks, 5 K chunks (the last
    // one padded), units dealt over 3 columns, A reloaded when a column's panel changes.
    BuildOptions opt;
    opt.max_tile_m = 5;
    opt.max_tile_k = 16;
    opt.max_tile_n = 8;
    check_int8_gemm({100, 70, 130}, opt);
}

TEST_CASE("int8 GEMM on other geometries", "[e2e][gemm]") {
    tiles::ArrayConfig one;
    one.geometry.columns = 1;
    SECTION("one column") {
        check_int8_gemm({64, 40, 48}, {}, one);
    }
    tiles::ArrayConfig two_rows;
    two_rows.geometry.columns = 2;
    two_rows.geometry.core_rows = 2;
    SECTION("two columns of two cores") {
        check_int8_gemm({70, 33, 90}, {}, two_rows);
    }
    tiles::ArrayConfig six_rows;
    six_rows.geometry.core_rows = 6;
    SECTION("six core rows (the flow uses four)") {
        check_int8_gemm({40, 20, 30}, {}, six_rows);
    }
}

TEST_CASE("int8 GEMM on a partition that does not start at column 0", "[e2e][gemm]") {
    tiles::ArrayConfig cfg;
    cfg.geometry.columns = 4;
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> dist(-128, 127);
    const std::uint32_t m = 48, k = 36, n = 100; // two n-blocks: both columns work
    std::vector<std::int8_t> a(std::size_t{m} * k), b(std::size_t{k} * n);
    for (auto& v : a) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    for (auto& v : b) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    const Workload w = build_gemm({m, k, n, GemmType::int8_int32}, PartitionShape{2, 4, 1});
    ArrayBench bench(cfg);
    bench.array->set_column_owner(1, 0x11);
    bench.array->set_column_owner(2, 0x22);
    const auto run =
        testing::run_workload(bench, w, {testing::as_bytes(a), testing::as_bytes(b), {}}, 1, 2);
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    CHECK(testing::from_bytes<std::int32_t>(run.outputs[2]) == gemm_i8_reference(a, b, m, k, n));
    // Only the partition's columns touched the host, each with its owner tag.
    CHECK(bench.host.tags_seen == std::set<std::uint32_t>{0x11, 0x22});
    CHECK(bench.host.accesses_without_tag == 0);
    // Columns 0 and 3 stayed untouched.
    for (const unsigned col : {0u, 3u}) {
        CHECK(bench.array->tile(col, 1).resident_bytes() == 0);
        CHECK(bench.array->error_count(col) == 0);
    }
}

namespace {

std::vector<std::uint16_t> random_bf16(std::size_t count, std::mt19937& rng) {
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    std::vector<std::uint16_t> v(count);
    for (auto& x : v) {
        x = float_to_bf16(dist(rng));
    }
    return v;
}

void check_bf16_gemm(const GemmCase& s, const BuildOptions& opt = {}) {
    std::mt19937 rng(s.m + 31 * s.k + 977 * s.n);
    const auto a = random_bf16(std::size_t{s.m} * s.k, rng);
    const auto b = random_bf16(std::size_t{s.k} * s.n, rng);
    const Workload w = build_gemm({s.m, s.k, s.n, GemmType::bf16_fp32}, PartitionShape{}, opt);
    INFO(w.op << ": " << w.plan);
    ArrayBench bench;
    const auto run =
        testing::run_workload(bench, w, {testing::as_bytes(a), testing::as_bytes(b), {}});
    INFO(run.result.error);
    REQUIRE(run.result.ok());
    const auto c = testing::from_bytes<float>(run.outputs[2]);
    // Stated tolerance: within the fp32 summation error bound of the exact result...
    std::vector<double> exact, bound;
    gemm_bf16_exact(a, b, s.m, s.k, s.n, exact, bound);
    // ...and in fact equal to a sequential fp32 accumulation in ascending k (the device
    // accumulates each C element in that order across K chunks; the K padding adds +0).
    const auto sequential = gemm_bf16_reference(a, b, s.m, s.k, s.n);
    std::size_t outside = 0, different = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
        outside += std::fabs(c[i] - exact[i]) > bound[i] ? 1 : 0;
        different += c[i] != sequential[i] ? 1 : 0;
    }
    CHECK(outside == 0);
    CHECK(different == 0);
}

} // namespace

TEST_CASE("bf16 GEMM within the fp32 accumulation bound", "[e2e][gemm]") {
    SECTION("1x1x1") {
        check_bf16_gemm({1, 1, 1});
    }
    SECTION("33x65x17 (odd everything)") {
        check_bf16_gemm({33, 65, 17});
    }
    SECTION("128x200x96") {
        check_bf16_gemm({128, 200, 96});
    }
    SECTION("small tiles") {
        BuildOptions opt;
        opt.max_tile_m = 6;
        opt.max_tile_k = 10;
        opt.max_tile_n = 6;
        check_bf16_gemm({50, 45, 40}, opt);
    }
}
