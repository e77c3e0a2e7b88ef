// Compute-tile cores at kernel level: the register block, the object-FIFO loop (slots, locks,
// accumulate control), kernel cycle costs from the timing table, and error reporting.

#include "aie_tiles/core_model.h"
#include "aie_tiles/kernels/kernel_api.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/tile_regs.h"

#include <catch2/catch.hpp>
#include <random>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;
using kernels::KernelId;

namespace {

constexpr unsigned kCol = 1;
constexpr unsigned kRow = 3;

struct CoreSetup {
    KernelId kernel = KernelId::none;
    std::vector<std::uint32_t> params;
    std::uint32_t inner = 1;
    std::uint32_t outer = 1;
    std::uint32_t flags = 0;
    // base, slots, stride, acquire, release, level for in0, in1, out
    std::array<std::array<std::uint32_t, 6>, 3> ports{};
};

void program(TileRegs& r, const CoreSetup& s) {
    r.reg(kCol, kRow, regs::kCoreKernel, static_cast<std::uint32_t>(s.kernel));
    for (std::size_t i = 0; i < s.params.size(); ++i) {
        r.reg(kCol, kRow, regs::kCoreParams + 4 * static_cast<std::uint32_t>(i), s.params[i]);
    }
    r.reg(kCol, kRow, regs::kCoreInnerCount, s.inner);
    r.reg(kCol, kRow, regs::kCoreOuterCount, s.outer);
    r.reg(kCol, kRow, regs::kCoreFlags, s.flags);
    for (unsigned p = 0; p < 3; ++p) {
        for (unsigned f = 0; f < 6; ++f) {
            r.reg(kCol, kRow, regs::kCorePorts + p * regs::kCorePortStride + 4 * f, s.ports[p][f]);
        }
    }
}

std::uint64_t start_and_wait(ArrayBench& b, TileRegs& r) {
    const std::uint64_t t0 = b.now_cycles();
    r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlStart);
    CoreModel& core = *b.array->tile(kCol, kRow).core();
    while ((core.status() & (regs::kCoreStatusDone | regs::kCoreStatusError)) == 0) {
        sc_core::wait(core.done_event());
    }
    return b.now_cycles() - t0;
}

void put(ArrayBench& b, std::uint32_t offset, const void* data, std::uint32_t bytes) {
    REQUIRE(b.array->write(b.array->geometry().tile_address(kCol, kRow, offset),
                           static_cast<const std::uint8_t*>(data), bytes) == AccessStatus::ok);
}

template <typename T> std::vector<T> get(ArrayBench& b, std::uint32_t offset, std::size_t n) {
    std::vector<T> v(n);
    REQUIRE(b.array->read(b.array->geometry().tile_address(kCol, kRow, offset),
                          reinterpret_cast<std::uint8_t*>(v.data()),
                          static_cast<std::uint32_t>(n * sizeof(T))) == AccessStatus::ok);
    return v;
}

} // namespace

TEST_CASE("kernel cost = ceil(work / rate) + fixed overhead, from the timing table", "[core]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const TimingTable& t = b.array->config().timing;
    b.run([&] {
        SECTION("int8 GEMM 64x64x64") {
            program(r, {KernelId::gemm_i8_i32,
                        {64, 64, 64, 0},
                        1,
                        1,
                        0,
                        {{{0, 1, 0, 0, 0, 0}, {0x1000, 1, 0, 0, 0, 0}, {0x2000, 1, 0, 0, 0, 0}}}});
            CHECK(start_and_wait(b, r) ==
                  (64ull * 64 * 64 + t.int8_macs_per_cycle - 1) / t.int8_macs_per_cycle +
                      t.kernel_overhead_cycles);
            CHECK(r.reg(kCol, kRow, regs::kCoreBusyCyclesLow) ==
                  64u * 64 * 64 / t.int8_macs_per_cycle + t.kernel_overhead_cycles);
        }
        SECTION("bf16 GEMM 16x40x24") {
            program(r, {KernelId::gemm_bf16_f32,
                        {16, 40, 24, 0},
                        1,
                        1,
                        0,
                        {{{0, 1, 0, 0, 0, 0}, {0x1000, 1, 0, 0, 0, 0}, {0x2000, 1, 0, 0, 0, 0}}}});
            CHECK(start_and_wait(b, r) ==
                  16ull * 40 * 24 / t.bf16_macs_per_cycle + t.kernel_overhead_cycles);
        }
        SECTION("element-wise add of 1000 int8, 3 iterations") {
            program(r, {KernelId::add_i8,
                        {1000},
                        3,
                        1,
                        0,
                        {{{0, 1, 0, 0, 0, 0}, {0x1000, 1, 0, 0, 0, 0}, {0x2000, 1, 0, 0, 0, 0}}}});
            CHECK(start_and_wait(b, r) ==
                  3ull * ((1000 + t.int8_elements_per_cycle - 1) / t.int8_elements_per_cycle +
                          t.kernel_overhead_cycles));
            CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 3);
        }
    });
}

TEST_CASE("object-FIFO loop: slots cycle, accumulate control spans the inner loop", "[core]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const std::uint32_t m = 4, k = 8, n = 4;
    const std::size_t mk = std::size_t{m} * k, kn = std::size_t{k} * n, mn = std::size_t{m} * n;
    std::mt19937 rng(3);
    std::uniform_int_distribution<int> dist(-100, 100);
    std::vector<std::int8_t> a(3 * mk), bm(kn);
    for (auto& v : a) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    for (auto& v : bm) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    auto product = [&](unsigned slot, std::vector<std::int32_t>& c) {
        for (std::uint32_t i = 0; i < m; ++i) {
            for (std::uint32_t j = 0; j < n; ++j) {
                for (std::uint32_t x = 0; x < k; ++x) {
                    c[i * n + j] += a[slot * m * k + i * k + x] * bm[x * n + j];
                }
            }
        }
    };
    b.run([&] {
        put(b, 0, a.data(), 3 * m * k);
        put(b, 0x1000, bm.data(), k * n);
        CoreSetup s{
            KernelId::gemm_i8_i32,
            {m, k, n, 0},
            3,
            2,
            0,
            {{{0, 3, m * k, 0, 0, 0}, {0x1000, 1, 0, 0, 0, 0}, {0x2000, 2, m * n * 4, 0, 0, 1}}}};
        SECTION("accumulate: out slot o holds A0 B + A1 B + A2 B") {
            s.flags = regs::kCoreFlagAccumulate | (3u << regs::kCoreFlagParamShift);
            program(r, s);
            start_and_wait(b, r);
            std::vector<std::int32_t> expect(mn, 0);
            for (unsigned slot = 0; slot < 3; ++slot) {
                product(slot, expect);
            }
            // Two outer iterations wrote the two out slots; the in0 ring wrapped (6 runs).
            CHECK(get<std::int32_t>(b, 0x2000, mn) == expect);
            CHECK(get<std::int32_t>(b, 0x2000 + m * n * 4, mn) == expect);
        }
        SECTION("no accumulate: each run overwrites, the last product stays") {
            program(r, s);
            start_and_wait(b, r);
            std::vector<std::int32_t> expect(mn, 0);
            product(2, expect);
            CHECK(get<std::int32_t>(b, 0x2000, mn) == expect);
        }
        CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 6);
        CHECK((r.reg(kCol, kRow, regs::kCoreStatus) & regs::kCoreStatusDone) != 0);
    });
}

TEST_CASE("core locks: acquire before, release after, stall visible in status", "[core]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        // in0: acquire lock 1 >= 1, release lock 0 +1 (inner); out: acquire lock 4 == 0
        // (outer), release lock 5 +2.
        program(r, {KernelId::relu_i8,
                    {64},
                    2,
                    1,
                    0,
                    {{{0, 2, 64, regs::core_lock_word(true, false, 1, 1),
                       regs::core_lock_word(true, false, 0, 1), 0},
                      {0, 1, 0, 0, 0, 0},
                      {0x1000, 1, 0, regs::core_lock_word(true, true, 4, 0),
                       regs::core_lock_word(true, false, 5, 2), 1}}}});
        r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlStart);
        sc_core::wait(b.array->context().cycles(100));
        const std::uint32_t st = r.reg(kCol, kRow, regs::kCoreStatus);
        CHECK((st & regs::kCoreStatusRunning) != 0);
        CHECK((st & regs::kCoreStatusLockStall) != 0);
        CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 0);
        r.lock(kCol, kRow, 1, 1); // one input buffer ready
        sc_core::wait(b.array->context().cycles(500));
        CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 1);
        CHECK(r.lock(kCol, kRow, 0) == 1);
        CHECK(r.lock(kCol, kRow, 5) == 0); // outer release not yet
        r.lock(kCol, kRow, 1, 1);
        sc_core::wait(b.array->context().cycles(500));
        CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 2);
        CHECK(r.lock(kCol, kRow, 0) == 2);
        CHECK(r.lock(kCol, kRow, 5) == 2);
        CHECK(r.lock(kCol, kRow, 4) == 0); // acquire-equal left it
        CHECK((r.reg(kCol, kRow, regs::kCoreStatus) & regs::kCoreStatusDone) != 0);
    });
}

TEST_CASE("core errors: status code, error log, no crash; reset recovers", "[core]") {
    struct Case {
        const char* what;
        CoreSetup setup;
        regs::CoreError code;
        const char* message;
        int preset_lock = 0;
    };
    const std::array<std::array<std::uint32_t, 6>, 3> plain{
        {{0, 1, 0, 0, 0, 0}, {0x1000, 1, 0, 0, 0, 0}, {0x2000, 1, 0, 0, 0, 0}}};
    auto overflow = plain;
    overflow[0][4] = regs::core_lock_word(true, false, 3, 1);
    auto bad_lock = plain;
    bad_lock[1][3] = regs::core_lock_word(true, false, 40, 1);
    auto outside = plain;
    outside[2][0] = 0x1FFF0; // output beyond the 128 KiB memory
    const std::vector<Case> cases{
        {"kernel none",
         {KernelId::none, {}, 1, 1, 0, plain},
         regs::CoreError::kernel,
         "unknown kernel id"},
        {"bad shape",
         {KernelId::gemm_i8_i32, {0, 4, 4, 0}, 1, 1, 0, plain},
         regs::CoreError::kernel,
         "M, K and N must be non-zero"},
        {"buffer outside memory",
         {KernelId::add_i8, {64}, 1, 1, 0, outside},
         regs::CoreError::kernel,
         "outside the data memory"},
        {"zero counts",
         {KernelId::add_i8, {64}, 0, 1, 0, plain},
         regs::CoreError::config,
         "INNER_COUNT and OUTER_COUNT"},
        {"lock id",
         {KernelId::add_i8, {64}, 1, 1, 0, bad_lock},
         regs::CoreError::config,
         "names lock 40"},
        {"release overflow",
         {KernelId::add_i8, {64}, 1, 1, 0, overflow},
         regs::CoreError::lock_range,
         "release of lock 3 by 1 would leave -64..63",
         63},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            ArrayBench b;
            TileRegs r(*b.array);
            b.run([&] {
                r.lock(kCol, kRow, 3, c.preset_lock);
                program(r, c.setup);
                start_and_wait(b, r);
                const std::uint32_t st = r.reg(kCol, kRow, regs::kCoreStatus);
                CHECK((st & regs::kCoreStatusError) != 0);
                CHECK((st & (regs::kCoreStatusRunning | regs::kCoreStatusDone)) == 0);
                CHECK((st >> regs::kCoreStatusErrorShift) == static_cast<std::uint32_t>(c.code));
                REQUIRE(b.array->active_error_count(kCol) == 1);
                CHECK(b.array->errors(kCol).back().source == "core");
                CHECK(b.array->errors(kCol).back().message.find(c.message) != std::string::npos);
                // Fix it and run again after a reset through CORE_CONTROL.
                r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlReset);
                CHECK(r.reg(kCol, kRow, regs::kCoreStatus) == 0);
                r.lock(kCol, kRow, 3, 0);
                program(r, {KernelId::add_i8, {64}, 1, 1, 0, plain});
                start_and_wait(b, r);
                CHECK(r.reg(kCol, kRow, regs::kCoreStatus) == regs::kCoreStatusDone);
            });
        }
    }
}

TEST_CASE("core register block: refused writes and start while running", "[core]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        r.reg(kCol, kRow, regs::kCoreFlags, 0x100); // reserved
        CHECK(r.reg(kCol, kRow, regs::kCoreFlags) == 0);
        r.reg(kCol, kRow, regs::kCorePorts + regs::kCorePortLevel, 2); // level must be 0/1
        CHECK(r.reg(kCol, kRow, regs::kCorePorts + regs::kCorePortLevel) == 0);
        r.reg(kCol, kRow, regs::kCoreStatus, 1); // read-only
        CHECK(b.array->active_error_count(kCol) == 3);
        // A program stalled on a lock; a second start is refused; reset aborts it.
        program(r, {KernelId::relu_i8,
                    {16},
                    1,
                    1,
                    0,
                    {{{0, 1, 0, regs::core_lock_word(true, false, 2, 1), 0, 0},
                      {0, 1, 0, 0, 0, 0},
                      {0x100, 1, 0, 0, 0, 0}}}});
        r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlStart);
        sc_core::wait(b.array->context().cycles(10));
        r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlStart);
        CHECK(b.array->active_error_count(kCol) == 4);
        CHECK(b.array->errors(kCol).back().message.find("while the core is running") !=
              std::string::npos);
        r.reg(kCol, kRow, regs::kCoreControl, regs::kCoreControlReset);
        sc_core::wait(b.array->context().cycles(10));
        CHECK(r.reg(kCol, kRow, regs::kCoreStatus) == 0);
        r.lock(kCol, kRow, 2, 1); // the aborted run does not take it
        sc_core::wait(b.array->context().cycles(500));
        CHECK(r.lock(kCol, kRow, 2) == 1);
        CHECK(r.reg(kCol, kRow, regs::kCoreIterations) == 0);
    });
}
