// Locks: every semantic through the register interface (value registers, request windows,
// error bits) and the blocking behaviour threads see (waking order, abort on reset).

#include "aie_tiles/lock_bank.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/tile_regs.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace aie4sim;
using namespace aie4sim::tiles;
using aie4sim::testing::ArrayBench;
using aie4sim::testing::TileRegs;

namespace {

// Reads a request-window address: performs the request, 1 = success.
std::uint32_t request(TileRegs& r, unsigned col, unsigned row, std::uint32_t reg) {
    return r.reg(col, row, reg);
}

} // namespace

TEST_CASE("lock values: range -64..63, out-of-range writes refused", "[locks]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        for (const unsigned row : {0u, 1u, 2u}) { // shim, memtile, core
            r.lock(0, row, 3, 63);
            CHECK(r.lock(0, row, 3) == 63);
            r.lock(0, row, 3, -64);
            CHECK(r.lock(0, row, 3) == -64);
            const auto before = b.array->error_count(0);
            r.lock(0, row, 3, 64);
            CHECK(r.lock(0, row, 3) == -64); // unchanged
            r.lock(0, row, 3, static_cast<int>(-65));
            CHECK(r.lock(0, row, 3) == -64);
            CHECK(b.array->error_count(0) == before + 2);
            CHECK((r.reg(0, row, regs::kLockError) & (1u << 3)) != 0);
            r.reg(0, row, regs::kLockError, 1u << 3); // write 1 to clear
            CHECK(r.reg(0, row, regs::kLockError) == 0);
        }
        // Lock counts per kind: 16 (shim, core), 64 (memtile): one past the end is unmapped
        // (for a memtile, 64 * 0x10 is already the LOCK_ERROR register).
        std::uint32_t v = 0;
        CHECK(b.array->read32(r.addr(0, 1, r.base(1) + regs::kLockValue + 63 * 0x10), v));
        CHECK_FALSE(b.array->read32(r.addr(0, 2, regs::kLockValue + 16 * 0x10), v));
        CHECK_FALSE(b.array->read32(r.addr(0, 0, regs::kLockValue + 16 * 0x10), v));
    });
}

TEST_CASE("lock request window: acquire-ge, acquire-eq, release and their boundaries", "[locks]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        const unsigned c = 1, row = 2, id = 5;
        r.lock(c, row, id, 3);
        // acquire-ge 2: 3 >= 2, value 1.
        CHECK(request(r, c, row, regs::lock_request(id, true, 2)) == 1);
        CHECK(r.lock(c, row, id) == 1);
        // acquire-ge 2 again: 1 < 2, refused, value unchanged.
        CHECK(request(r, c, row, regs::lock_request(id, true, 2)) == 0);
        CHECK(r.lock(c, row, id) == 1);
        // acquire-eq 1: equal, granted, value unchanged.
        CHECK(request(r, c, row, regs::lock_request_eq(id, 1)) == 1);
        CHECK(r.lock(c, row, id) == 1);
        CHECK(request(r, c, row, regs::lock_request_eq(id, 2)) == 0);
        // release +5 -> 6, release -9 -> -3.
        CHECK(request(r, c, row, regs::lock_request(id, false, 5)) == 1);
        CHECK(r.lock(c, row, id) == 6);
        CHECK(request(r, c, row, regs::lock_request(id, false, -9)) == 1);
        CHECK(r.lock(c, row, id) == -3);
        // acquire-ge with a negative value: -3 >= -5, value -3 - (-5) = 2.
        CHECK(request(r, c, row, regs::lock_request(id, true, -5)) == 1);
        CHECK(r.lock(c, row, id) == 2);
        // Boundaries: 63 + 0 fine, 63 + 1 refused with an error.
        r.lock(c, row, id, 62);
        CHECK(request(r, c, row, regs::lock_request(id, false, 1)) == 1);
        CHECK(r.lock(c, row, id) == 63);
        const auto errors = b.array->error_count(c);
        CHECK(request(r, c, row, regs::lock_request(id, false, 1)) == 0);
        CHECK(r.lock(c, row, id) == 63);
        CHECK(b.array->error_count(c) == errors + 1);
        CHECK((r.reg(c, row, regs::kLockError) & (1u << id)) != 0);
        // -64 - 1 refused; acquire-ge -1 at 63 would give 64: refused.
        r.lock(c, row, id, -64);
        CHECK(request(r, c, row, regs::lock_request(id, false, -1)) == 0);
        CHECK(r.lock(c, row, id) == -64);
        r.lock(c, row, id, 63);
        CHECK(request(r, c, row, regs::lock_request(id, true, -1)) == 0);
        CHECK(r.lock(c, row, id) == 63);
        CHECK(b.array->error_count(c) == errors + 3);
        const auto errs = b.array->errors(c);
        REQUIRE_FALSE(errs.empty());
        CHECK(errs.back().source == "lock 5");
        CHECK(errs.back().message.find("would leave -64..63") != std::string::npos);
        // The equal window has no release half; beyond the last lock nothing is mapped.
        std::uint32_t v = 0;
        CHECK_FALSE(b.array->read32(r.addr(c, row, regs::kLockRequestEq + id * 0x400), v));
        CHECK_FALSE(b.array->read32(r.addr(c, row, regs::lock_request(16, true, 1)), v));
        // Memtile: 64 locks, the last one works.
        r.lock(c, 1, 63, 1);
        CHECK(request(r, c, 1, regs::lock_request(63, true, 1)) == 1);
        CHECK(r.lock(c, 1, 63) == 0);
    });
}

TEST_CASE("blocked acquirers: first fit in arrival order, woken by value changes", "[locks]") {
    ArrayBench b;
    LockBank& locks = b.array->tile(0, 2).locks();
    ResetDomain domain;
    std::vector<std::string> order;
    auto waiter = [&](const char* name, bool equal, int v, unsigned delay) {
        sc_core::sc_spawn([&, name, equal, v, delay] {
            sc_core::wait(delay, sc_core::SC_NS);
            const AbortCheck abort(domain);
            const auto res = locks.acquire(0, equal, v, abort);
            order.push_back(std::string(name) + (res == LockBank::Result::granted ? "" : "!") +
                            "@" + std::to_string(sc_core::sc_time_stamp().value() / 1000));
        });
    };
    // Value 0. A wants >= 2, B wants >= 1, C wants >= 1, E waits for == 3.
    waiter("A", false, 2, 1);
    waiter("B", false, 1, 2);
    waiter("C", false, 1, 3);
    waiter("E", true, 3, 4);
    b.run([&] {
        sc_core::wait(10, sc_core::SC_NS);
        locks.release(0, 1); // B fits (A does not): B granted, value 0
        sc_core::wait(10, sc_core::SC_NS);
        locks.release(0, 2); // A (older) fits and takes 2: C still waits
        sc_core::wait(10, sc_core::SC_NS);
        locks.release(0, 3); // value 3: C takes 1 -> 2; E needs exactly 3: keeps waiting
        sc_core::wait(10, sc_core::SC_NS);
        locks.release(0, 1); // value 3: E granted, value stays 3
        sc_core::wait(10, sc_core::SC_NS);
        CHECK(locks.value(0) == 3);
    });
    CHECK(order == std::vector<std::string>{"B@10", "A@20", "C@30", "E@40"});
}

TEST_CASE("a blocked acquirer is aborted by a reset, not granted", "[locks]") {
    ArrayBench b;
    LockBank& locks = b.array->tile(0, 1).locks();
    ResetDomain domain;
    LockBank::Result result = LockBank::Result::blocked;
    sc_core::sc_spawn([&] { result = locks.acquire(7, false, 1, AbortCheck(domain)); });
    b.run([&] {
        sc_core::wait(5, sc_core::SC_NS);
        b.array->reset_columns(0, 1); // resets the lock bank: waiters aborted
        sc_core::wait(5, sc_core::SC_NS);
        CHECK(result == LockBank::Result::aborted);
        locks.release(7, 1); // nobody waits any more
        CHECK(locks.value(7) == 1);
    });
}
