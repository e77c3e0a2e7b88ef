// Tests of the built-in compute kernels (aie_tiles/kernels): each optimised kernel is run
// through run_kernel on a byte array standing in for a tile's data memory and compared with
// the independent reference implementation (bit-exact for integer kernels and for the fp32
// GEMM, whose accumulation order is specified), with mathematically exact values (bf16
// results, within stated tolerances) and with hand-computed values at rounding and
// saturation boundaries.

#include "aie_tiles/kernels/bf16.h"
#include "aie_tiles/kernels/conv2d_params.h"
#include "aie_tiles/kernels/internal.h"
#include "aie_tiles/kernels/kernel_api.h"
#include "aie_tiles/kernels/reference.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace {

namespace k = aie4sim::tiles::kernels;
namespace ref = aie4sim::tiles::kernels::reference;
using k::KernelId;
using k::KernelInvocation;
using k::KernelWork;

constexpr std::size_t kNoMismatch = static_cast<std::size_t>(-1);

// A byte array standing in for a tile's data memory, filled with a random pattern so that
// stray writes are detectable.
class Memory {
public:
    explicit Memory(std::size_t size, std::uint32_t seed = 7) : bytes_(size) {
        std::mt19937 rng(seed);
        for (auto& b : bytes_) {
            b = static_cast<std::uint8_t>(rng());
        }
    }
    template <class T> void put(std::uint32_t offset, const std::vector<T>& values) {
        REQUIRE(offset + values.size() * sizeof(T) <= bytes_.size());
        std::memcpy(bytes_.data() + offset, values.data(), values.size() * sizeof(T));
    }
    template <class T> std::vector<T> get(std::uint32_t offset, std::size_t count) const {
        REQUIRE(offset + count * sizeof(T) <= bytes_.size());
        std::vector<T> values(count);
        std::memcpy(values.data(), bytes_.data() + offset, count * sizeof(T));
        return values;
    }
    std::uint8_t* data() { return bytes_.data(); }
    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

KernelInvocation invocation(KernelId id, std::uint32_t in0, std::uint32_t in1, std::uint32_t out,
                            std::initializer_list<std::uint32_t> params) {
    KernelInvocation inv;
    inv.id = id;
    inv.in0 = in0;
    inv.in1 = in1;
    inv.out = out;
    std::size_t i = 0;
    for (const std::uint32_t p : params) {
        inv.params[i++] = p;
    }
    return inv;
}

void run_ok(const KernelInvocation& inv, Memory& mem) {
    const k::KernelStatus status = k::run_kernel(inv, mem.data(), mem.size());
    INFO("kernel " << k::kernel_name(inv.id)
                   << " error: " << (status.error != nullptr ? status.error : "none"));
    REQUIRE(status.ok);
}

// Index of the first element whose bit patterns differ, or kNoMismatch. Bit patterns, not
// values: -0 must not equal +0 and a NaN must equal the same NaN.
template <class T> std::size_t first_mismatch(const std::vector<T>& a, const std::vector<T>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        unsigned char bits_a[sizeof(T)];
        unsigned char bits_b[sizeof(T)];
        std::memcpy(bits_a, &a[i], sizeof(T));
        std::memcpy(bits_b, &b[i], sizeof(T));
        if (!std::equal(std::begin(bits_a), std::end(bits_a), std::begin(bits_b))) {
            return i;
        }
    }
    return kNoMismatch;
}

// Checks that the only bytes that changed between `before` and `after` lie in [start, end).
void check_untouched_outside(const std::vector<std::uint8_t>& before, const Memory& after,
                             std::size_t start, std::size_t end) {
    std::size_t changed_outside = 0;
    for (std::size_t i = 0; i < before.size(); ++i) {
        if ((i < start || i >= end) && before[i] != after.bytes()[i]) {
            ++changed_outside;
        }
    }
    CHECK(changed_outside == 0);
}

std::vector<std::int8_t> random_i8(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> dist(-128, 127);
    std::vector<std::int8_t> v(n);
    for (auto& x : v) {
        x = static_cast<std::int8_t>(dist(rng));
    }
    return v;
}

std::vector<std::int32_t> random_i32(std::mt19937& rng, std::size_t n) {
    std::vector<std::int32_t> v(n);
    for (auto& x : v) {
        x = static_cast<std::int32_t>(rng());
    }
    return v;
}

// bf16 values drawn uniformly from [lo, hi] (rounded to bf16).
std::vector<std::uint16_t> random_bf16(std::mt19937& rng, std::size_t n, float lo, float hi) {
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<std::uint16_t> v(n);
    for (auto& x : v) {
        x = k::f32_to_bf16(dist(rng));
    }
    return v;
}

std::uint16_t bf16_bits_of(float f) {
    const std::uint32_t bits = k::f32_bits(f);
    REQUIRE((bits & 0xFFFFu) == 0); // exactly representable in bf16
    return static_cast<std::uint16_t>(bits >> 16);
}

bool is_quiet_nan_bf16(std::uint16_t h) {
    return (h & 0x7F80u) == 0x7F80u && (h & 0x40u) != 0;
}

// ---------------------------------------------------------------------------------------------
// GEMM

struct GemmShape {
    std::uint32_t m, k, n;
};

const GemmShape kGemmShapes[] = {{1, 1, 1},     {1, 1, 5},    {3, 5, 7},    {4, 128, 128},
                                 {5, 129, 131}, {17, 1, 33},  {2, 300, 1},  {33, 64, 257},
                                 {130, 7, 129}, {64, 64, 64}, {1, 1000, 3}, {9, 2, 200}};

TEST_CASE("gemm_i8_i32 matches the reference bit for bit", "[kernels][gemm]") {
    std::mt19937 rng(11);
    for (const GemmShape& s : kGemmShapes) {
        for (const bool accumulate : {false, true}) {
            INFO("M=" << s.m << " K=" << s.k << " N=" << s.n << " accumulate=" << accumulate);
            const auto a = random_i8(rng, std::size_t{s.m} * s.k);
            const auto b = random_i8(rng, std::size_t{s.k} * s.n);
            const auto c0 = random_i32(rng, std::size_t{s.m} * s.n); // full range: sums wrap
            // Odd offsets: buffers need not be aligned.
            const std::uint32_t oa = 1;
            const std::uint32_t ob = oa + static_cast<std::uint32_t>(a.size()) + 3;
            const std::uint32_t oc = ob + static_cast<std::uint32_t>(b.size()) + 5;
            const std::size_t end = oc + c0.size() * 4;
            Memory mem(end + 64);
            mem.put(oa, a);
            mem.put(ob, b);
            mem.put(oc, c0);
            const auto before = mem.bytes();
            run_ok(invocation(KernelId::gemm_i8_i32, oa, ob, oc,
                              {s.m, s.k, s.n, accumulate ? 1u : 0u}),
                   mem);
            std::vector<std::int32_t> expected = c0;
            ref::gemm_i8_i32(a.data(), b.data(), expected.data(), s.m, s.k, s.n, accumulate);
            CHECK(first_mismatch(mem.get<std::int32_t>(oc, c0.size()), expected) == kNoMismatch);
            check_untouched_outside(before, mem, oc, end);
        }
    }
}

TEST_CASE("gemm_i8_i32 extreme operands and int32 wrap-around", "[kernels][gemm]") {
    // K = 65535 products of (-128)*(-128) = 16384 sum to 1073725440; accumulated onto
    // INT32_MAX the result wraps modulo 2^32 to 2147483647 + 1073725440 - 2^32 = -1073758209.
    const std::uint32_t kk = 65535;
    Memory mem(2 * kk + 16);
    mem.put(0, std::vector<std::int8_t>(kk, -128));
    mem.put(kk, std::vector<std::int8_t>(kk, -128));
    mem.put(2 * kk, std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::max()});
    run_ok(invocation(KernelId::gemm_i8_i32, 0, kk, 2 * kk, {1, kk, 1, 0}), mem);
    CHECK(mem.get<std::int32_t>(2 * kk, 1)[0] == 1073725440);
    mem.put(2 * kk, std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::max()});
    run_ok(invocation(KernelId::gemm_i8_i32, 0, kk, 2 * kk, {1, kk, 1, 1}), mem);
    CHECK(mem.get<std::int32_t>(2 * kk, 1)[0] == -1073758209);
    // (-128) * 127 * K = -16256 * 65535 = -1065336960 without accumulation.
    mem.put(kk, std::vector<std::int8_t>(kk, 127));
    run_ok(invocation(KernelId::gemm_i8_i32, 0, kk, 2 * kk, {1, kk, 1, 0}), mem);
    CHECK(mem.get<std::int32_t>(2 * kk, 1)[0] == -1065336960);
}

TEST_CASE("gemm_i8_i32 small hand-computed product", "[kernels][gemm]") {
    // A = [1 2 3; -4 5 -6], B = [7 -8; 9 10; -11 12], A*B = [-8 48; 83 10].
    Memory mem(64);
    mem.put(0, std::vector<std::int8_t>{1, 2, 3, -4, 5, -6});
    mem.put(6, std::vector<std::int8_t>{7, -8, 9, 10, -11, 12});
    run_ok(invocation(KernelId::gemm_i8_i32, 0, 6, 12, {2, 3, 2, 0}), mem);
    CHECK(mem.get<std::int32_t>(12, 4) == std::vector<std::int32_t>{-8, 48, 83, 10});
    run_ok(invocation(KernelId::gemm_i8_i32, 0, 6, 12, {2, 3, 2, 1}), mem);
    CHECK(mem.get<std::int32_t>(12, 4) == std::vector<std::int32_t>{-16, 96, 166, 20});
}

// Error bound of recursive fp32 summation of n terms (Higham, "Accuracy and Stability of
// Numerical Algorithms", eq. 3.4): |computed - exact| <= gamma(n) * sum |terms|, with
// gamma(n) = n*u / (1 - n*u) and u = 2^-24. The bf16 x bf16 products are exact in fp32 (8+8
// significant bits), so only the additions round; the accumulator's initial value counts as
// one more term.
double gamma_fp32(std::uint32_t n) {
    const double u = std::ldexp(1.0, -24);
    return n * u / (1.0 - n * u);
}

TEST_CASE("gemm_bf16_f32 matches the reference bit for bit and the exact value within the "
          "fp32 summation bound",
          "[kernels][gemm][bf16]") {
    std::mt19937 rng(12);
    for (const GemmShape& s : kGemmShapes) {
        for (const bool accumulate : {false, true}) {
            INFO("M=" << s.m << " K=" << s.k << " N=" << s.n << " accumulate=" << accumulate);
            const auto a = random_bf16(rng, std::size_t{s.m} * s.k, -4.0f, 4.0f);
            const auto b = random_bf16(rng, std::size_t{s.k} * s.n, -4.0f, 4.0f);
            std::vector<float> c0(std::size_t{s.m} * s.n);
            std::uniform_real_distribution<float> cdist(-100.0f, 100.0f);
            for (auto& x : c0) {
                x = cdist(rng);
            }
            const std::uint32_t oa = 2;
            const std::uint32_t ob = oa + static_cast<std::uint32_t>(a.size() * 2) + 1;
            const std::uint32_t oc = ob + static_cast<std::uint32_t>(b.size() * 2) + 3;
            const std::size_t end = oc + c0.size() * 4;
            Memory mem(end + 32);
            mem.put(oa, a);
            mem.put(ob, b);
            mem.put(oc, c0);
            const auto before = mem.bytes();
            run_ok(invocation(KernelId::gemm_bf16_f32, oa, ob, oc,
                              {s.m, s.k, s.n, accumulate ? 1u : 0u}),
                   mem);
            const auto got = mem.get<float>(oc, c0.size());

            std::vector<float> expected = c0;
            ref::gemm_bf16_f32(a.data(), b.data(), expected.data(), s.m, s.k, s.n, accumulate);
            CHECK(first_mismatch(got, expected) == kNoMismatch);

            std::vector<double> exact(c0.size());
            ref::gemm_bf16_exact(a.data(), b.data(), accumulate ? c0.data() : nullptr, exact.data(),
                                 s.m, s.k, s.n);
            std::size_t outside_bound = 0;
            for (std::uint32_t i = 0; i < s.m; ++i) {
                for (std::uint32_t j = 0; j < s.n; ++j) {
                    double abs_sum = accumulate ? std::fabs(c0[std::size_t{i} * s.n + j]) : 0.0;
                    for (std::uint32_t p = 0; p < s.k; ++p) {
                        abs_sum += std::fabs(ref::bf16_value(a[std::size_t{i} * s.k + p]) *
                                             ref::bf16_value(b[std::size_t{p} * s.n + j]));
                    }
                    const std::size_t o = std::size_t{i} * s.n + j;
                    if (std::fabs(got[o] - exact[o]) > gamma_fp32(s.k + 1) * abs_sum) {
                        ++outside_bound;
                    }
                }
            }
            CHECK(outside_bound == 0);
            check_untouched_outside(before, mem, oc, end);
        }
    }
}

TEST_CASE("gemm_bf16_f32 propagates NaN and infinity", "[kernels][gemm][bf16]") {
    // A = [NaN 1; 1 1; inf 0], B = I(2): row 0 is NaN (NaN*x), row 2 has inf*0 = NaN in the
    // second column and inf in the first, row 1 is finite.
    Memory mem(256);
    const std::uint16_t one = 0x3F80;
    mem.put(0, std::vector<std::uint16_t>{0x7FC0, one, one, one, 0x7F80, 0x0000});
    mem.put(12, std::vector<std::uint16_t>{one, 0x0000, 0x0000, one});
    run_ok(invocation(KernelId::gemm_bf16_f32, 0, 12, 20, {3, 2, 2, 0}), mem);
    const auto c = mem.get<float>(20, 6);
    CHECK(std::isnan(c[0]));
    CHECK(std::isnan(c[1]));
    CHECK(c[2] == 1.0f);
    CHECK(c[3] == 1.0f);
    CHECK(std::isinf(c[4]));
    CHECK(std::isnan(c[5]));
}

// ---------------------------------------------------------------------------------------------
// Element-wise int8

// All 65536 (x, y) pairs of int8 values.
void all_i8_pairs(std::vector<std::int8_t>& x, std::vector<std::int8_t>& y) {
    x.clear();
    y.clear();
    for (int a = -128; a < 128; ++a) {
        for (int b = -128; b < 128; ++b) {
            x.push_back(static_cast<std::int8_t>(a));
            y.push_back(static_cast<std::int8_t>(b));
        }
    }
}

TEST_CASE("add_i8 and mul_i8 match the reference on every pair of operands",
          "[kernels][elementwise]") {
    std::vector<std::int8_t> x;
    std::vector<std::int8_t> y;
    all_i8_pairs(x, y);
    const auto count = static_cast<std::uint32_t>(x.size());
    Memory mem(3 * count + 8);
    mem.put(0, x);
    mem.put(count + 1, y);
    const std::uint32_t out = 2 * count + 3;

    run_ok(invocation(KernelId::add_i8, 0, count + 1, out, {count}), mem);
    std::vector<std::int8_t> expected(count);
    ref::add_i8(x.data(), y.data(), expected.data(), count);
    CHECK(first_mismatch(mem.get<std::int8_t>(out, count), expected) == kNoMismatch);

    for (const unsigned shift : {0u, 1u, 2u, 7u, 8u, 13u, 14u, 15u, 31u}) {
        INFO("shift " << shift);
        run_ok(invocation(KernelId::mul_i8, 0, count + 1, out, {count, shift}), mem);
        ref::mul_i8(x.data(), y.data(), expected.data(), count, shift);
        CHECK(first_mismatch(mem.get<std::int8_t>(out, count), expected) == kNoMismatch);
    }
}

struct I8Case {
    int x, y;
    unsigned shift;
    int expected;
};

TEST_CASE("int8 element-wise saturation boundaries", "[kernels][elementwise]") {
    // Sums clamp to [-128, 127].
    const I8Case adds[] = {{100, 27, 0, 127},    {100, 28, 0, 127},    {127, 127, 0, 127},
                           {-100, -28, 0, -128}, {-100, -29, 0, -128}, {-128, -128, 0, -128},
                           {-128, 127, 0, -1},   {5, -7, 0, -2}};
    // Products are shifted right arithmetically (rounding toward minus infinity), then clamp.
    const I8Case muls[] = {{-128, -128, 0, 127}, {-128, -128, 7, 127}, {-128, -128, 8, 64},
                           {-128, 127, 0, -128}, {-128, 127, 7, -127}, {-128, 127, 8, -64},
                           {11, 12, 0, 127},     {-11, 12, 0, -128},   {10, 12, 0, 120},
                           {3, 1, 1, 1},         {-3, 1, 1, -2},       {-1, 1, 31, -1},
                           {127, 127, 31, 0},    {127, 127, 7, 126},   {-1, 1, 0, -1}};
    for (const bool add : {true, false}) {
        const auto& cases = add ? std::vector<I8Case>(std::begin(adds), std::end(adds))
                                : std::vector<I8Case>(std::begin(muls), std::end(muls));
        for (const I8Case& c : cases) {
            INFO((add ? "add " : "mul ") << c.x << ", " << c.y << " >> " << c.shift);
            Memory mem(16);
            mem.put(0, std::vector<std::int8_t>{static_cast<std::int8_t>(c.x)});
            mem.put(1, std::vector<std::int8_t>{static_cast<std::int8_t>(c.y)});
            run_ok(invocation(add ? KernelId::add_i8 : KernelId::mul_i8, 0, 1, 2, {1, c.shift}),
                   mem);
            CHECK(mem.get<std::int8_t>(2, 1)[0] == c.expected);
        }
    }
}

TEST_CASE("relu_i8 on every value, and in place", "[kernels][elementwise]") {
    std::vector<std::int8_t> x;
    for (int v = -128; v < 128; ++v) {
        x.push_back(static_cast<std::int8_t>(v));
    }
    Memory mem(600);
    mem.put(3, x);
    run_ok(invocation(KernelId::relu_i8, 3, 0xFFFFFFFFu /* unused */, 300, {256}), mem);
    std::vector<std::int8_t> expected(256);
    ref::relu_i8(x.data(), expected.data(), 256);
    CHECK(first_mismatch(mem.get<std::int8_t>(300, 256), expected) == kNoMismatch);
    CHECK(mem.get<std::int8_t>(300, 256)[0] == 0);     // -128
    CHECK(mem.get<std::int8_t>(300, 256)[255] == 127); // 127
    run_ok(invocation(KernelId::relu_i8, 3, 0, 3, {256}), mem);
    CHECK(first_mismatch(mem.get<std::int8_t>(3, 256), expected) == kNoMismatch);
}

TEST_CASE("int8 element-wise kernels run in place", "[kernels][elementwise]") {
    std::mt19937 rng(3);
    for (const std::uint32_t count : {1u, 3u, 17u, 1000u}) {
        const auto x = random_i8(rng, count);
        const auto y = random_i8(rng, count);
        std::vector<std::int8_t> expected(count);
        ref::mul_i8(x.data(), y.data(), expected.data(), count, 3);
        Memory mem(std::size_t{count} * 2);
        mem.put(0, x);
        mem.put(count, y);
        run_ok(invocation(KernelId::mul_i8, 0, count, count, {count, 3}), mem); // out == in1
        CHECK(first_mismatch(mem.get<std::int8_t>(count, count), expected) == kNoMismatch);
        ref::add_i8(x.data(), expected.data(), expected.data(), count);
        run_ok(invocation(KernelId::add_i8, 0, count, 0, {count}), mem); // out == in0
        CHECK(first_mismatch(mem.get<std::int8_t>(0, count), expected) == kNoMismatch);
    }
}

// ---------------------------------------------------------------------------------------------
// bf16 conversions

struct RoundCase {
    std::uint32_t f32;
    std::uint16_t bf16;
    const char* why;
};

// Expected values follow from the format: bf16 keeps the upper 16 bits of an fp32; the lower
// 16 bits are the discarded fraction, 0x8000 being exactly one half of a bf16 ulp.
const RoundCase kRoundCases[] = {
    {0x3F800000, 0x3F80, "1.0 is exact"},
    {0x3F807FFF, 0x3F80, "just below half an ulp rounds down"},
    {0x3F808000, 0x3F80, "tie with even kept half stays"},
    {0x3F808001, 0x3F81, "just above half an ulp rounds up"},
    {0x3F818000, 0x3F82, "tie with odd kept half rounds up to even"},
    {0x3FFF8000, 0x4000, "tie carries into the exponent: 1.9921875+ -> 2.0"},
    {0xBF818000, 0xBF82, "ties to even for negative values too"},
    {0x7F7F7FFF, 0x7F7F, "below half an ulp above the largest finite bf16"},
    {0x7F7F8000, 0x7F80, "tie at the largest finite bf16 (odd) rounds to infinity"},
    {0x7F7FFFFF, 0x7F80, "largest fp32 overflows to infinity"},
    {0xFF7FFFFF, 0xFF80, "most negative fp32 overflows to -infinity"},
    {0x7F800000, 0x7F80, "+infinity"},
    {0xFF800000, 0xFF80, "-infinity"},
    {0x7FC00000, 0x7FC0, "quiet NaN"},
    {0x7F800001, 0x7FC0, "signalling NaN with payload only in the low bits stays NaN, quiet"},
    {0xFF800001, 0xFFC0, "negative signalling NaN keeps its sign"},
    {0x7FFFFFFF, 0x7FFF, "NaN keeps its upper payload"},
    {0x7F810000, 0x7FC1, "signalling NaN with upper payload is quietened"},
    {0x00000000, 0x0000, "+0"},
    {0x80000000, 0x8000, "-0"},
    {0x00000001, 0x0000, "smallest fp32 subnormal rounds to zero"},
    {0x00008000, 0x0000, "tie between 0 and the smallest bf16 subnormal rounds to even 0"},
    {0x00008001, 0x0001, "above the tie rounds to the smallest bf16 subnormal"},
    {0x00018000, 0x0002, "subnormal tie with odd kept half rounds up"},
    {0x80008001, 0x8001, "negative subnormal"},
    {0x007F7FFF, 0x007F, "largest bf16 subnormal"},
    {0x007FFFFF, 0x0080, "largest fp32 subnormal rounds up to the smallest normal"},
    {0x00800000, 0x0080, "smallest normal"},
};

TEST_CASE("fp32 to bf16 rounding on values derived from the format", "[kernels][bf16]") {
    for (const RoundCase& c : kRoundCases) {
        INFO(c.why);
        const float f = k::f32_from_bits(c.f32);
        CHECK(k::f32_to_bf16(f) == c.bf16);
        CHECK(ref::round_to_bf16(f) == c.bf16);
    }
}

TEST_CASE("bf16 to fp32 is exact for every bit pattern", "[kernels][bf16]") {
    CHECK(k::bf16_to_f32(0x3F80) == 1.0f);
    CHECK(k::bf16_to_f32(0xC040) == -3.0f);
    CHECK(k::bf16_to_f32(0x0001) == std::ldexp(1.0f, -133));
    CHECK(k::bf16_to_f32(0x7F7F) == std::ldexp(255.0f, 120));
    CHECK(std::isinf(k::bf16_to_f32(0xFF80)));
    std::size_t mismatches = 0;
    for (std::uint32_t h = 0; h <= 0xFFFF; ++h) {
        const float f = k::bf16_to_f32(static_cast<std::uint16_t>(h));
        const double v = ref::bf16_value(static_cast<std::uint16_t>(h));
        const bool same = std::isnan(v) ? std::isnan(f) : static_cast<double>(f) == v;
        const bool same_bits = (k::f32_bits(f) >> 16) == h && (k::f32_bits(f) & 0xFFFF) == 0;
        if (!same || !same_bits) {
            ++mismatches;
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("fp32 to bf16 rounding agrees with the arithmetic reference on random patterns",
          "[kernels][bf16]") {
    std::mt19937 rng(5);
    std::size_t mismatches = 0;
    std::uint32_t first_bad = 0;
    auto check = [&](std::uint32_t bits) {
        const float f = k::f32_from_bits(bits);
        if (k::f32_to_bf16(f) != ref::round_to_bf16(f)) {
            if (mismatches++ == 0) {
                first_bad = bits;
            }
        }
    };
    for (int i = 0; i < 1000000; ++i) {
        check(rng());
    }
    // Every tie and near-tie pattern across all exponents and both signs.
    for (std::uint32_t upper = 0; upper <= 0xFFFF; ++upper) {
        for (const std::uint32_t lower : {0x0000u, 0x7FFFu, 0x8000u, 0x8001u, 0xFFFFu}) {
            check((upper << 16) | lower);
        }
    }
    INFO("first mismatching pattern " << first_bad);
    CHECK(mismatches == 0);
}

// ---------------------------------------------------------------------------------------------
// Element-wise bf16

std::vector<std::uint16_t> random_bf16_patterns(std::mt19937& rng, std::size_t n) {
    std::vector<std::uint16_t> v(n);
    for (auto& x : v) {
        x = static_cast<std::uint16_t>(rng());
    }
    // Make sure the special values occur.
    const std::uint16_t specials[] = {0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0xFFC1, 0x7F81,
                                      0x0001, 0x807F, 0x0080, 0x7F7F, 0xFF7F, 0x3F80, 0xBF80};
    for (std::size_t i = 0; i < sizeof specials / sizeof specials[0] && i < n; ++i) {
        v[i * 7 % n] = specials[i];
    }
    return v;
}

TEST_CASE("bf16 element-wise kernels match the reference on random bit patterns",
          "[kernels][elementwise][bf16]") {
    std::mt19937 rng(8);
    for (const std::uint32_t count : {1u, 2u, 15u, 100003u}) {
        INFO("count " << count);
        const auto x = random_bf16_patterns(rng, count);
        const auto y = random_bf16_patterns(rng, count);
        const std::uint32_t ox = 1;
        const std::uint32_t oy = ox + 2 * count + 1;
        const std::uint32_t oo = oy + 2 * count + 1;
        Memory mem(oo + 2 * count + 3);
        mem.put(ox, x);
        mem.put(oy, y);
        std::vector<std::uint16_t> expected(count);

        run_ok(invocation(KernelId::add_bf16, ox, oy, oo, {count}), mem);
        ref::add_bf16(x.data(), y.data(), expected.data(), count);
        CHECK(first_mismatch(mem.get<std::uint16_t>(oo, count), expected) == kNoMismatch);

        run_ok(invocation(KernelId::mul_bf16, ox, oy, oo, {count}), mem);
        ref::mul_bf16(x.data(), y.data(), expected.data(), count);
        CHECK(first_mismatch(mem.get<std::uint16_t>(oo, count), expected) == kNoMismatch);

        run_ok(invocation(KernelId::relu_bf16, ox, 0, oo, {count}), mem);
        ref::relu_bf16(x.data(), expected.data(), count);
        CHECK(first_mismatch(mem.get<std::uint16_t>(oo, count), expected) == kNoMismatch);

        // In place: out == in0.
        ref::add_bf16(x.data(), y.data(), expected.data(), count);
        run_ok(invocation(KernelId::add_bf16, ox, oy, ox, {count}), mem);
        CHECK(first_mismatch(mem.get<std::uint16_t>(ox, count), expected) == kNoMismatch);
    }
}

struct Bf16Case {
    KernelId id;
    std::uint16_t x, y, expected;
    const char* why;
};

TEST_CASE("bf16 element-wise rounding, overflow and NaN on hand-picked values",
          "[kernels][elementwise][bf16]") {
    const Bf16Case cases[] = {
        {KernelId::add_bf16, 0x3F80, 0x3B80, 0x3F80, "1 + 2^-8 is a tie: rounds to even 1"},
        {KernelId::add_bf16, 0x3F81, 0x3B80, 0x3F82, "1.0078125 + 2^-8 is a tie: to even"},
        {KernelId::add_bf16, 0x3F80, 0x3B81, 0x3F81, "1 + just over half an ulp rounds up"},
        {KernelId::add_bf16, 0x7F7F, 0x7F7F, 0x7F80, "max + max overflows to +inf"},
        {KernelId::add_bf16, 0xFF7F, 0xFF7F, 0xFF80, "-max - max overflows to -inf"},
        {KernelId::add_bf16, 0x7F80, 0x3F80, 0x7F80, "inf + 1 = inf"},
        {KernelId::add_bf16, 0x7F80, 0xFF80, 0x7FC0, "inf - inf is the canonical NaN"},
        {KernelId::add_bf16, 0xFFC5, 0x3F80, 0x7FC0, "NaN operand gives the canonical NaN"},
        {KernelId::add_bf16, 0x7F81, 0x3F80, 0x7FC0, "signalling NaN operand too"},
        {KernelId::add_bf16, 0x8000, 0x8000, 0x8000, "-0 + -0 = -0"},
        {KernelId::add_bf16, 0x0001, 0x0001, 0x0002, "subnormals add exactly"},
        {KernelId::add_bf16, 0x3F80, 0xBF80, 0x0000, "1 - 1 = +0"},
        {KernelId::mul_bf16, 0x3FC0, 0x3FC0, 0x4010, "1.5 * 1.5 = 2.25"},
        {KernelId::mul_bf16, 0x3F81, 0x3F81, 0x3F82, "1.0078125^2 = 1.01568..., rounds down"},
        {KernelId::mul_bf16, 0x3F83, 0x3F83, 0x3F86, "1.0234375^2 = 1.04742..., rounds down"},
        {KernelId::mul_bf16, 0x3F89, 0x3F89, 0x3F93, "1.0703125^2 = 1.14556..., rounds up"},
        {KernelId::mul_bf16, 0x3F88, 0x3F88, 0x3F90, "1.0625^2 = 1 + 16.5/128: tie to even"},
        {KernelId::mul_bf16, 0x3F81, 0x3FC0, 0x3FC2, "1.0078125*1.5 = 1 + 65.5/128: tie up"},
        {KernelId::mul_bf16, 0x7100, 0x7100, 0x7F80, "2^99 * 2^99 overflows to inf"},
        {KernelId::mul_bf16, 0x0080, 0x3F00, 0x0040, "2^-126 * 0.5 is the subnormal 2^-127"},
        {KernelId::mul_bf16, 0x0080, 0x3300, 0x0000, "2^-126 * 2^-25 underflows to +0"},
        {KernelId::mul_bf16, 0x8080, 0x3300, 0x8000, "negative underflow gives -0"},
        {KernelId::mul_bf16, 0x7F80, 0x0000, 0x7FC0, "inf * 0 is NaN"},
        {KernelId::relu_bf16, 0xBF80, 0, 0x0000, "relu(-1) = +0"},
        {KernelId::relu_bf16, 0x8000, 0, 0x0000, "relu(-0) = +0"},
        {KernelId::relu_bf16, 0xFF80, 0, 0x0000, "relu(-inf) = +0"},
        {KernelId::relu_bf16, 0x7F80, 0, 0x7F80, "relu(inf) = inf"},
        {KernelId::relu_bf16, 0x0001, 0, 0x0001, "relu keeps subnormals"},
        {KernelId::relu_bf16, 0xFF81, 0, 0x7FC0, "relu(NaN) is the canonical NaN"},
    };
    for (const Bf16Case& c : cases) {
        INFO(k::kernel_name(c.id) << ": " << c.why);
        Memory mem(16);
        mem.put(0, std::vector<std::uint16_t>{c.x, c.y});
        run_ok(invocation(c.id, 0, 2, 4, {1}), mem);
        const std::uint16_t got = mem.get<std::uint16_t>(4, 1)[0];
        CHECK(got == c.expected);
        if ((c.expected & 0x7FFF) > 0x7F80) {
            CHECK(is_quiet_nan_bf16(got));
        }
    }
    // 2^-8 is exactly representable in bf16 (0x3B80), 1.0078125 is 0x3F81.
    CHECK(bf16_bits_of(std::ldexp(1.0f, -8)) == 0x3B80);
    CHECK(bf16_bits_of(1.0078125f) == 0x3F81);
}

// ---------------------------------------------------------------------------------------------
// exp and softmax

TEST_CASE("exp_f32 is accurate over the range softmax uses", "[kernels][softmax]") {
    // Relative error within 2 fp32 ulp (2^-22) where the result is normal; within one
    // subnormal step (2^-149) plus that relative error where it is subnormal.
    std::size_t bad = 0;
    double worst = 0.0;
    for (int i = 0; i <= 400000; ++i) {
        const float x = -110.0f + 200.0f * static_cast<float>(i) / 400000.0f;
        if (x > 88.7f) {
            break;
        }
        const double exact = std::exp(static_cast<double>(x));
        const double got = k::detail::exp_f32(x);
        const double err = std::fabs(got - exact);
        const double bound = std::ldexp(exact, -22) + std::ldexp(1.0, -149);
        worst = std::fmax(worst, exact >= std::ldexp(1.0, -126) ? err / exact : 0.0);
        if (err > bound) {
            ++bad;
        }
    }
    INFO("worst relative error in the normal range " << worst);
    CHECK(bad == 0);
    CHECK(k::detail::exp_f32(0.0f) == 1.0f);
    CHECK(k::detail::exp_f32(-200.0f) == 0.0f);
    CHECK(k::detail::exp_f32(-std::numeric_limits<float>::infinity()) == 0.0f);
    CHECK(std::isinf(k::detail::exp_f32(89.0f)));
    CHECK(std::isnan(k::detail::exp_f32(std::numeric_limits<float>::quiet_NaN())));
}

// Tolerance of a softmax output against the exact value t (derivation in docs/kernels.md):
// bf16 rounding contributes 2^-8 relative; before it the fp32 computation contributes at
// most (cols + 120) * 2^-24 relative (exp_f32 <= 4 units, the row sum cols units, the
// division 1, and up to 104 units from rounding x - max to fp32), and an absolute 2^-133
// covers results in the bf16 subnormal range.
double softmax_tolerance(double t, std::uint32_t cols) {
    return t * (std::ldexp(1.0, -8) + (cols + 120.0) * std::ldexp(1.0, -24)) +
           std::ldexp(1.0, -133);
}

TEST_CASE("softmax_bf16 is within the stated tolerance of the exact softmax",
          "[kernels][softmax]") {
    std::mt19937 rng(9);
    struct Shape {
        std::uint32_t rows, cols;
        float range;
    };
    const Shape shapes[] = {{1, 1, 1.0f},    {1, 7, 4.0f},    {3, 5, 20.0f},  {8, 64, 8.0f},
                            {5, 1000, 3.0f}, {17, 33, 60.0f}, {2, 3, 200.0f}, {64, 2, 1.0f}};
    for (const Shape& s : shapes) {
        INFO("rows " << s.rows << " cols " << s.cols << " range " << s.range);
        const std::size_t n = std::size_t{s.rows} * s.cols;
        const auto x = random_bf16(rng, n, -s.range, s.range);
        Memory mem(4 * n + 8);
        mem.put(1, x);
        const auto out = static_cast<std::uint32_t>(2 * n + 3);
        run_ok(invocation(KernelId::softmax_bf16, 1, 0, out, {s.rows, s.cols}), mem);
        const auto y = mem.get<std::uint16_t>(out, n);
        std::vector<double> exact(n);
        ref::softmax_exact(x.data(), exact.data(), s.rows, s.cols);
        std::size_t outside = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const double got = ref::bf16_value(y[i]);
            if (!(std::fabs(got - exact[i]) <= softmax_tolerance(exact[i], s.cols))) {
                ++outside;
            }
        }
        CHECK(outside == 0);
        // Each row sums to 1 within the accumulated per-element tolerance.
        for (std::uint32_t r = 0; r < s.rows; ++r) {
            double sum = 0.0;
            for (std::uint32_t j = 0; j < s.cols; ++j) {
                sum += ref::bf16_value(y[std::size_t{r} * s.cols + j]);
            }
            CHECK(std::fabs(sum - 1.0) <= softmax_tolerance(1.0, s.cols));
        }
        // In place gives the same bits.
        run_ok(invocation(KernelId::softmax_bf16, 1, 0, 1, {s.rows, s.cols}), mem);
        CHECK(first_mismatch(mem.get<std::uint16_t>(1, n), y) == kNoMismatch);
    }
}

TEST_CASE("softmax_bf16 exact cases and special values", "[kernels][softmax]") {
    const std::uint16_t one = 0x3F80;
    const std::uint16_t nan = 0x7FC0;
    const std::uint16_t inf = 0x7F80;
    const std::uint16_t ninf = 0xFF80;
    struct Case {
        std::vector<std::uint16_t> row;
        std::vector<std::uint16_t> expected;
        const char* why;
    };
    const std::vector<Case> cases = {
        {{one}, {one}, "a single element is 1"},
        {{0x4120, 0x4120, 0x4120, 0x4120}, {0x3E80, 0x3E80, 0x3E80, 0x3E80}, "equal: 1/4 each"},
        {{0xC2C8, 0xC2C8}, {0x3F00, 0x3F00}, "equal large negatives: 1/2 each"},
        {{0x0000, 0xC3C8}, {one, 0x0000}, "a gap of 400 gives exactly 1 and 0"},
        {{0x0000, ninf}, {one, 0x0000}, "-inf contributes 0"},
        {{one, nan, one}, {nan, nan, nan}, "NaN poisons the row"},
        {{one, inf}, {nan, nan}, "+inf poisons the row (inf - inf)"},
        {{ninf, ninf}, {nan, nan}, "a row of only -inf is NaN"},
    };
    for (const Case& c : cases) {
        INFO(c.why);
        const auto cols = static_cast<std::uint32_t>(c.row.size());
        Memory mem(64);
        mem.put(0, c.row);
        run_ok(invocation(KernelId::softmax_bf16, 0, 0, 32, {1, cols}), mem);
        CHECK(mem.get<std::uint16_t>(32, cols) == c.expected);
    }
    // Shifting a row by a constant (exactly, in bf16) does not change the result.
    Memory mem(64);
    mem.put(0, std::vector<std::uint16_t>{0x3F80, 0x4000, 0x4040, 0x4080}); // 1 2 3 4
    mem.put(8, std::vector<std::uint16_t>{0x4120, 0x4130, 0x4140, 0x4150}); // 10 11 12 13
    run_ok(invocation(KernelId::softmax_bf16, 0, 0, 16, {2, 4}), mem);
    CHECK(mem.get<std::uint16_t>(16, 4) == mem.get<std::uint16_t>(24, 4));
}

// ---------------------------------------------------------------------------------------------
// conv2d

TEST_CASE("conv2d params pack into 16-bit pairs", "[kernels][conv2d]") {
    k::Conv2dParams p;
    p.h = 1;
    p.w = 2;
    p.cin = 3;
    p.cout = 4;
    p.kh = 5;
    p.kw = 6;
    p.stride = 7;
    p.padding = 8;
    p.accumulate = true;
    std::uint32_t params[8] = {};
    k::pack_conv2d_params(p, params);
    CHECK(params[0] == 0x00020001u);
    CHECK(params[1] == 0x00040003u);
    CHECK(params[2] == 0x00060005u);
    CHECK(params[3] == 0x00080007u);
    CHECK(params[4] == 1u);
    const k::Conv2dParams q = k::unpack_conv2d_params(params);
    CHECK((q.h == 1 && q.w == 2 && q.cin == 3 && q.cout == 4 && q.kh == 5 && q.kw == 6 &&
           q.stride == 7 && q.padding == 8 && q.accumulate));
}

TEST_CASE("conv2d_i8_i32 matches the reference bit for bit", "[kernels][conv2d]") {
    std::mt19937 rng(13);
    const ref::Conv2dShape shapes[] = {{1, 1, 1, 1, 1, 1, 1, 0},   {5, 7, 3, 4, 3, 3, 1, 1},
                                       {8, 8, 16, 8, 3, 3, 2, 1},  {6, 5, 2, 3, 6, 5, 1, 0},
                                       {4, 4, 1, 1, 1, 1, 1, 3},   {9, 11, 5, 7, 2, 3, 3, 2},
                                       {3, 3, 1, 130, 3, 3, 1, 1}, {7, 7, 64, 17, 1, 1, 1, 0},
                                       {10, 3, 2, 2, 5, 1, 4, 2},  {2, 2, 3, 1, 3, 3, 1, 1}};
    for (const ref::Conv2dShape& s : shapes) {
        for (const bool accumulate : {false, true}) {
            INFO("H=" << s.h << " W=" << s.w << " Cin=" << s.cin << " Cout=" << s.cout
                      << " KH=" << s.kh << " KW=" << s.kw << " stride=" << s.stride
                      << " pad=" << s.padding << " accumulate=" << accumulate);
            const std::uint32_t oh = (s.h + 2 * s.padding - s.kh) / s.stride + 1;
            const std::uint32_t ow = (s.w + 2 * s.padding - s.kw) / s.stride + 1;
            const auto in = random_i8(rng, std::size_t{s.h} * s.w * s.cin);
            const auto wt = random_i8(rng, std::size_t{s.kh} * s.kw * s.cin * s.cout);
            const auto out0 = random_i32(rng, std::size_t{oh} * ow * s.cout);
            const std::uint32_t oi = 3;
            const std::uint32_t ok = oi + static_cast<std::uint32_t>(in.size()) + 1;
            const std::uint32_t oo = ok + static_cast<std::uint32_t>(wt.size()) + 2;
            const std::size_t end = oo + out0.size() * 4;
            Memory mem(end + 16);
            mem.put(oi, in);
            mem.put(ok, wt);
            mem.put(oo, out0);
            const auto before = mem.bytes();
            KernelInvocation inv = invocation(KernelId::conv2d_i8_i32, oi, ok, oo, {});
            k::pack_conv2d_params(
                {s.h, s.w, s.cin, s.cout, s.kh, s.kw, s.stride, s.padding, accumulate}, inv.params);
            run_ok(inv, mem);
            std::vector<std::int32_t> expected = out0;
            ref::conv2d_i8_i32(in.data(), wt.data(), expected.data(), s, accumulate);
            CHECK(first_mismatch(mem.get<std::int32_t>(oo, out0.size()), expected) == kNoMismatch);
            check_untouched_outside(before, mem, oo, end);
            CHECK(k::kernel_work(inv).macs ==
                  std::uint64_t{oh} * ow * s.cout * s.kh * s.kw * s.cin);
        }
    }
}

TEST_CASE("conv2d_i8_i32 hand-computed 3x3 with zero padding", "[kernels][conv2d]") {
    // Input 3x3x1 = 1..9, kernel 3x3x1x1 of ones, padding 1, stride 1: each output is the sum
    // of the 3x3 neighbourhood inside the image.
    Memory mem(128);
    mem.put(0, std::vector<std::int8_t>{1, 2, 3, 4, 5, 6, 7, 8, 9});
    mem.put(9, std::vector<std::int8_t>(9, 1));
    KernelInvocation inv = invocation(KernelId::conv2d_i8_i32, 0, 9, 20, {});
    k::pack_conv2d_params({3, 3, 1, 1, 3, 3, 1, 1, false}, inv.params);
    run_ok(inv, mem);
    CHECK(mem.get<std::int32_t>(20, 9) ==
          std::vector<std::int32_t>{12, 21, 16, 27, 45, 33, 24, 39, 28});
    // Stride 2: outputs at (0,0), (0,2), (2,0), (2,2).
    k::pack_conv2d_params({3, 3, 1, 1, 3, 3, 2, 1, false}, inv.params);
    run_ok(inv, mem);
    CHECK(mem.get<std::int32_t>(20, 4) == std::vector<std::int32_t>{12, 16, 24, 28});
}

// ---------------------------------------------------------------------------------------------
// copy and requant

TEST_CASE("copy moves bytes with memmove semantics", "[kernels][copy]") {
    std::mt19937 rng(21);
    for (const std::uint32_t bytes : {1u, 7u, 1000u}) {
        for (const int shift : {0, 3, -3, 5000}) { // overlapping forward/backward, or disjoint
            INFO("bytes " << bytes << " shift " << shift);
            Memory mem(8192, rng());
            const std::uint32_t src = 1200;
            const auto dst = static_cast<std::uint32_t>(static_cast<int>(src) + shift);
            const auto data = mem.get<std::uint8_t>(src, bytes);
            const auto before = mem.bytes();
            run_ok(invocation(KernelId::copy, src, 0, dst, {bytes}), mem);
            CHECK(mem.get<std::uint8_t>(dst, bytes) == data);
            check_untouched_outside(before, mem, dst, dst + bytes);
        }
    }
}

TEST_CASE("requant_i32_i8 rounding and saturation boundaries", "[kernels][requant]") {
    struct Case {
        std::int32_t x;
        unsigned shift;
        int expected;
    };
    // shift > 0: add 2^(shift-1) (round half up), arithmetic shift right, saturate.
    const Case cases[] = {{2147483647, 0, 127},
                          {-2147483647 - 1, 0, -128},
                          {127, 0, 127},
                          {128, 0, 127},
                          {-128, 0, -128},
                          {-129, 0, -128},
                          {3, 1, 2},
                          {-3, 1, -1},
                          {1, 1, 1},
                          {-1, 1, 0},
                          {254, 1, 127},
                          {255, 1, 127},
                          {-256, 1, -128},
                          {-257, 1, -128},
                          {-259, 1, -128},
                          {383, 2, 96},
                          {-382, 2, -95},
                          {-383, 2, -96},
                          {2147483647, 31, 1},
                          {-2147483647 - 1, 31, -1},
                          {1073741823, 31, 0},
                          {1073741824, 31, 1},
                          {-1073741824, 31, 0},
                          {-1073741825, 31, -1},
                          {32767, 8, 127},
                          {-32768, 8, -128},
                          {32640, 8, 127},
                          {32639, 8, 127},
                          {32511, 8, 127},
                          {32383, 8, 126}};
    for (const Case& c : cases) {
        INFO(c.x << " >> " << c.shift);
        Memory mem(16);
        mem.put(0, std::vector<std::int32_t>{c.x});
        run_ok(invocation(KernelId::requant_i32_i8, 0, 0, 8, {1, c.shift}), mem);
        CHECK(mem.get<std::int8_t>(8, 1)[0] == c.expected);
    }
}

TEST_CASE("requant_i32_i8 matches the reference, also in place", "[kernels][requant]") {
    std::mt19937 rng(22);
    for (const std::uint32_t count : {1u, 5u, 4099u}) {
        auto x = random_i32(rng, count);
        for (std::size_t i = 0; i < x.size(); i += 2) {
            x[i] >>= (i % 17); // mix small and large magnitudes
        }
        for (const unsigned shift : {0u, 1u, 4u, 9u, 24u, 31u}) {
            INFO("count " << count << " shift " << shift);
            std::vector<std::int8_t> expected(count);
            ref::requant_i32_i8(x.data(), expected.data(), count, shift);
            Memory mem(5 * count + 8);
            mem.put(2, x);
            const auto out = static_cast<std::uint32_t>(4 * count + 5);
            run_ok(invocation(KernelId::requant_i32_i8, 2, 0, out, {count, shift}), mem);
            CHECK(first_mismatch(mem.get<std::int8_t>(out, count), expected) == kNoMismatch);
            run_ok(invocation(KernelId::requant_i32_i8, 2, 0, 2, {count, shift}), mem);
            CHECK(first_mismatch(mem.get<std::int8_t>(2, count), expected) == kNoMismatch);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

struct BadCase {
    const char* why;
    KernelInvocation inv;
    const char* error_contains;
};

KernelInvocation conv_inv(std::uint32_t in0, std::uint32_t in1, std::uint32_t out,
                          const k::Conv2dParams& p, std::uint32_t flags = 0) {
    KernelInvocation inv = invocation(KernelId::conv2d_i8_i32, in0, in1, out, {});
    k::pack_conv2d_params(p, inv.params);
    inv.params[4] = flags;
    return inv;
}

TEST_CASE("invalid invocations are refused and leave memory untouched", "[kernels][validation]") {
    constexpr std::uint32_t kSize = 4096;
    const std::uint32_t max32 = 0xFFFFFFFFu;
    const std::vector<BadCase> cases = {
        {"id none", invocation(KernelId::none, 0, 0, 0, {1}), "unknown"},
        {"id 13", invocation(static_cast<KernelId>(13), 0, 0, 0, {1}), "unknown"},
        {"id max", invocation(static_cast<KernelId>(max32), 0, 0, 0, {1}), "unknown"},
        // GEMM
        {"gemm M=0", invocation(KernelId::gemm_i8_i32, 0, 100, 200, {0, 2, 2}), "non-zero"},
        {"gemm K=0", invocation(KernelId::gemm_i8_i32, 0, 100, 200, {2, 0, 2}), "non-zero"},
        {"gemm N=0", invocation(KernelId::gemm_bf16_f32, 0, 100, 200, {2, 2, 0}), "non-zero"},
        {"gemm N=65536", invocation(KernelId::gemm_i8_i32, 0, 100, 200, {1, 1, 65536}), "65535"},
        {"gemm M=2^32-1", invocation(KernelId::gemm_i8_i32, 0, 100, 200, {max32, 1, 1}), "65535"},
        {"gemm reserved flags", invocation(KernelId::gemm_i8_i32, 0, 100, 200, {2, 2, 2, 2}),
         "reserved"},
        {"gemm work limit", invocation(KernelId::gemm_i8_i32, 0, 0, 0, {65535, 65535, 65535}),
         "limit"},
        {"gemm A past the end by one",
         invocation(KernelId::gemm_i8_i32, kSize - 6 + 1, 0, 100, {2, 3, 1}), "input"},
        {"gemm B past the end by one",
         invocation(KernelId::gemm_i8_i32, 0, kSize - 6 + 1, 100, {1, 3, 2}), "input"},
        {"gemm C past the end by one",
         invocation(KernelId::gemm_i8_i32, 0, 100, kSize - 16 + 1, {2, 3, 2}), "output"},
        {"gemm bf16 A counted in 2-byte elements",
         invocation(KernelId::gemm_bf16_f32, kSize - 6, 0, 100, {2, 3, 1}), "input"},
        {"gemm offset 2^32-1", invocation(KernelId::gemm_i8_i32, max32, 0, 100, {1, 1, 1}),
         "input"},
        {"gemm C overlaps A", invocation(KernelId::gemm_i8_i32, 0, 100, 4, {4, 4, 4}), "overlap"},
        {"gemm C overlaps B", invocation(KernelId::gemm_i8_i32, 0, 100, 90, {4, 4, 4}), "overlap"},
        {"gemm C in place on A", invocation(KernelId::gemm_i8_i32, 0, 100, 0, {4, 4, 4}),
         "overlap"},
        // element-wise
        {"add count 0", invocation(KernelId::add_i8, 0, 100, 200, {0}), "non-zero"},
        {"add in1 past the end", invocation(KernelId::add_i8, 0, kSize - 9, 200, {10}), "input"},
        {"add out past the end", invocation(KernelId::add_i8, 0, 100, kSize - 9, {10}), "output"},
        {"add partial overlap", invocation(KernelId::add_i8, 0, 100, 1, {10}), "overlap"},
        {"add partial overlap on in1", invocation(KernelId::add_i8, 0, 100, 95, {10}), "overlap"},
        {"mul shift 32", invocation(KernelId::mul_i8, 0, 100, 200, {10, 32}), "shift"},
        {"mul_bf16 bytes, not elements", invocation(KernelId::mul_bf16, 0, kSize - 10, 2000, {10}),
         "input"},
        {"relu_bf16 out past the end", invocation(KernelId::relu_bf16, 0, 0, kSize - 19, {10}),
         "output"},
        {"relu count near 2^32", invocation(KernelId::relu_i8, 0, 0, 2000, {max32}), "input"},
        {"relu_bf16 partial overlap", invocation(KernelId::relu_bf16, 0, 0, 2, {10}), "overlap"},
        // copy
        {"copy 0 bytes", invocation(KernelId::copy, 0, 0, 100, {0}), "non-zero"},
        {"copy source wraps 32 bits", invocation(KernelId::copy, 0xFFFFFFF0u, 0, 100, {0x20}),
         "input"},
        {"copy destination past the end", invocation(KernelId::copy, 0, 0, kSize - 9, {10}),
         "output"},
        // requant
        {"requant shift 32", invocation(KernelId::requant_i32_i8, 0, 0, 100, {4, 32}), "shift"},
        {"requant count 0", invocation(KernelId::requant_i32_i8, 0, 0, 100, {0, 1}), "non-zero"},
        {"requant input counted in 4-byte elements",
         invocation(KernelId::requant_i32_i8, kSize - 12, 0, 0, {4, 1}), "input"},
        {"requant input size 2^32 (wraps to 0 in 32 bits)",
         invocation(KernelId::requant_i32_i8, 0, 0, 100, {1u << 30, 1}), "input"},
        {"requant partial overlap", invocation(KernelId::requant_i32_i8, 0, 0, 1, {4, 1}),
         "overlap"},
        // softmax
        {"softmax rows 0", invocation(KernelId::softmax_bf16, 0, 0, 100, {0, 4}), "non-zero"},
        {"softmax cols 0", invocation(KernelId::softmax_bf16, 0, 0, 100, {4, 0}), "non-zero"},
        {"softmax cols 65536", invocation(KernelId::softmax_bf16, 0, 0, 100, {1, 65536}), "65535"},
        {"softmax past the end", invocation(KernelId::softmax_bf16, kSize - 15, 0, 0, {2, 4}),
         "input"},
        {"softmax partial overlap", invocation(KernelId::softmax_bf16, 0, 0, 8, {2, 4}), "overlap"},
        // conv2d
        {"conv H=0", conv_inv(0, 100, 200, {0, 3, 1, 1, 1, 1, 1, 0, false}), "non-zero"},
        {"conv Cout=0", conv_inv(0, 100, 200, {3, 3, 1, 0, 1, 1, 1, 0, false}), "non-zero"},
        {"conv KW=0", conv_inv(0, 100, 200, {3, 3, 1, 1, 1, 0, 1, 0, false}), "non-zero"},
        {"conv stride 0", conv_inv(0, 100, 200, {3, 3, 1, 1, 1, 1, 0, 0, false}), "stride"},
        {"conv kernel larger than padded input",
         conv_inv(0, 100, 200, {3, 3, 1, 1, 6, 1, 1, 1, false}), "larger"},
        {"conv reserved flags", conv_inv(0, 100, 200, {3, 3, 1, 1, 1, 1, 1, 0, false}, 4),
         "reserved"},
        {"conv output overlaps weights", conv_inv(0, 100, 101, {3, 3, 1, 1, 3, 3, 1, 1, false}),
         "overlap"},
        {"conv output in place on input", conv_inv(0, 100, 0, {3, 3, 1, 1, 1, 1, 1, 0, false}),
         "overlap"},
        {"conv input past the end", conv_inv(kSize - 8, 0, 100, {3, 3, 1, 1, 1, 1, 1, 0, false}),
         "input"},
        {"conv weights 2^32 bytes (wraps to 0 in 32 bits)",
         conv_inv(0, 100, 200, {1, 1, 256, 256, 256, 256, 1, 128, false}), "input"},
        {"conv huge input", conv_inv(0, 100, 200, {65535, 1, 1, 65535, 1, 1, 1, 0, false}),
         "input"},
    };
    Memory mem(kSize, 99);
    const auto before = mem.bytes();
    for (const BadCase& c : cases) {
        INFO(c.why);
        const k::KernelStatus status = k::run_kernel(c.inv, mem.data(), mem.size());
        CHECK_FALSE(status.ok);
        REQUIRE(status.error != nullptr);
        CHECK_THAT(std::string(status.error), Catch::Contains(c.error_contains));
        CHECK(mem.bytes() == before);
    }
}

TEST_CASE("a buffer size that wraps to zero in 32 bits is refused", "[kernels][validation]") {
    // M = N = 32768, K = 1: A and B take 32 KB each and fit; C needs 4 * 2^30 = 2^32 bytes,
    // which is 0 in 32-bit arithmetic.
    Memory mem(65536 + 64, 5);
    const auto before = mem.bytes();
    const k::KernelStatus status =
        k::run_kernel(invocation(KernelId::gemm_i8_i32, 0, 32768, 65536, {32768, 1, 32768}),
                      mem.data(), mem.size());
    CHECK_FALSE(status.ok);
    REQUIRE(status.error != nullptr);
    CHECK_THAT(std::string(status.error), Catch::Contains("output"));
    CHECK(mem.bytes() == before);
}

TEST_CASE("missing or empty data memory is refused", "[kernels][validation]") {
    const KernelInvocation inv = invocation(KernelId::copy, 0, 0, 8, {4});
    const k::KernelStatus no_memory = k::run_kernel(inv, nullptr, 4096);
    CHECK_FALSE(no_memory.ok);
    CHECK(no_memory.error != nullptr);
    std::uint8_t byte = 0x5A;
    const k::KernelStatus empty = k::run_kernel(inv, &byte, 0);
    CHECK_FALSE(empty.ok);
    CHECK(byte == 0x5A);
}

TEST_CASE("buffers that end exactly at the end of memory are accepted", "[kernels][validation]") {
    Memory mem(64);
    // C (2x2 int32 = 16 bytes) ends at 64.
    CHECK(k::run_kernel(invocation(KernelId::gemm_i8_i32, 0, 8, 48, {2, 4, 2}), mem.data(),
                        mem.size())
              .ok);
    // Unused in1 of a unary kernel is ignored even if it points far outside.
    CHECK(k::run_kernel(invocation(KernelId::relu_i8, 0, 0xFFFFFFFFu, 54, {10}), mem.data(),
                        mem.size())
              .ok);
    // Inputs may overlap each other (they are only read).
    CHECK(k::run_kernel(invocation(KernelId::add_i8, 0, 0, 32, {32}), mem.data(), mem.size()).ok);
}

// ---------------------------------------------------------------------------------------------
// kernel_work and kernel_name

TEST_CASE("kernel_work reports MACs or elements with the data type", "[kernels][work]") {
    auto work = [](const KernelInvocation& inv) { return k::kernel_work(inv); };
    const KernelWork g = work(invocation(KernelId::gemm_i8_i32, 0, 0, 0, {3, 5, 7}));
    CHECK(g.macs == 105);
    CHECK(g.elements == 0);
    CHECK(g.type == KernelWork::Type::int8);
    const KernelWork gb = work(invocation(KernelId::gemm_bf16_f32, 0, 0, 0, {512, 512, 512}));
    CHECK(gb.macs == 134217728);
    CHECK(gb.type == KernelWork::Type::bf16);
    const KernelWork c = work(conv_inv(0, 0, 0, {5, 7, 3, 4, 3, 3, 1, 1, false}));
    CHECK(c.macs == 3780); // OH 5 * OW 7 * Cout 4 * KH 3 * KW 3 * Cin 3
    CHECK(c.type == KernelWork::Type::int8);
    const KernelWork s = work(invocation(KernelId::softmax_bf16, 0, 0, 0, {3, 5}));
    CHECK(s.elements == 15);
    CHECK(s.macs == 0);
    CHECK(s.type == KernelWork::Type::bf16);
    CHECK(work(invocation(KernelId::add_i8, 0, 0, 0, {10})).elements == 10);
    CHECK(work(invocation(KernelId::mul_bf16, 0, 0, 0, {10})).type == KernelWork::Type::bf16);
    CHECK(work(invocation(KernelId::relu_i8, 0, 0, 0, {9})).type == KernelWork::Type::int8);
    const KernelWork cp = work(invocation(KernelId::copy, 0, 0, 0, {100}));
    CHECK(cp.elements == 100);
    CHECK(cp.type == KernelWork::Type::bytes);
    const KernelWork rq = work(invocation(KernelId::requant_i32_i8, 0, 0, 0, {64, 3}));
    CHECK(rq.elements == 64);
    CHECK(rq.type == KernelWork::Type::int32);
    // An invalid shape or id has no work.
    const KernelWork bad = work(invocation(KernelId::gemm_i8_i32, 0, 0, 0, {0, 5, 7}));
    CHECK(bad.macs == 0);
    CHECK(bad.elements == 0);
    CHECK(work(invocation(static_cast<KernelId>(77), 0, 0, 0, {1})).elements == 0);
}

TEST_CASE("kernel_name names every kernel", "[kernels][work]") {
    CHECK(k::kernel_name(KernelId::none) == "none");
    CHECK(k::kernel_name(KernelId::gemm_i8_i32) == "gemm_i8_i32");
    CHECK(k::kernel_name(KernelId::gemm_bf16_f32) == "gemm_bf16_f32");
    CHECK(k::kernel_name(KernelId::add_i8) == "add_i8");
    CHECK(k::kernel_name(KernelId::mul_i8) == "mul_i8");
    CHECK(k::kernel_name(KernelId::relu_i8) == "relu_i8");
    CHECK(k::kernel_name(KernelId::add_bf16) == "add_bf16");
    CHECK(k::kernel_name(KernelId::mul_bf16) == "mul_bf16");
    CHECK(k::kernel_name(KernelId::relu_bf16) == "relu_bf16");
    CHECK(k::kernel_name(KernelId::softmax_bf16) == "softmax_bf16");
    CHECK(k::kernel_name(KernelId::conv2d_i8_i32) == "conv2d_i8_i32");
    CHECK(k::kernel_name(KernelId::copy) == "copy");
    CHECK(k::kernel_name(KernelId::requant_i32_i8) == "requant_i32_i8");
    CHECK(k::kernel_name(static_cast<KernelId>(13)) == "unknown");
}

} // namespace
