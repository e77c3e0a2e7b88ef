// DMA engines: addressing of every tile kind checked against an independent reference
// address generator written from the BD semantics documented in bd_format.h (not from the
// model's run-based walker), plus iteration, chaining, repeat, locks, task queue, tokens,
// and error handling (bad BDs, host bus errors).

#include "aie_tiles/dma_channel.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/tile_regs.h"

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;

namespace {

// The documented semantics, word by word: nullopt for a padding word, otherwise the byte
// address the word is read from / written to.
std::vector<std::optional<std::uint64_t>> reference_addresses(const BufferDescriptor& bd,
                                                              std::uint64_t base) {
    std::vector<std::optional<std::uint64_t>> out;
    if (bd.dims[0].wrap == 0) {
        for (std::uint64_t i = 0; i < bd.length; ++i) {
            out.emplace_back(base + 4 * i);
        }
        return out;
    }
    std::uint64_t extent[3];
    for (unsigned d = 0; d < 3; ++d) {
        const std::uint64_t wrap = bd.dims[d].wrap == 0 ? 1 : bd.dims[d].wrap;
        extent[d] = bd.dims[d].pad_before + wrap + bd.dims[d].pad_after;
    }
    for (std::uint64_t i = 0; i < bd.length; ++i) {
        const std::uint64_t c[3] = {i % extent[0], (i / extent[0]) % extent[1],
                                    (i / (extent[0] * extent[1])) % extent[2]};
        const std::uint64_t c3 = i / (extent[0] * extent[1] * extent[2]);
        bool pad = false;
        std::uint64_t word = c3 * bd.d3_step;
        for (unsigned d = 0; d < 3; ++d) {
            const std::uint64_t wrap = bd.dims[d].wrap == 0 ? 1 : bd.dims[d].wrap;
            if (c[d] < bd.dims[d].pad_before || c[d] >= bd.dims[d].pad_before + wrap) {
                pad = true;
            } else {
                word += (c[d] - bd.dims[d].pad_before) * bd.dims[d].step;
            }
        }
        out.push_back(pad ? std::nullopt : std::optional<std::uint64_t>(base + 4 * word));
    }
    return out;
}

// A random multi-dimensional BD whose addresses stay within `span` bytes of its base.
BufferDescriptor random_bd(std::mt19937& rng, bool padding, std::uint64_t span) {
    for (;;) {
        BufferDescriptor bd;
        auto pick = [&rng](unsigned lo, unsigned hi) {
            return std::uniform_int_distribution<unsigned>(lo, hi)(rng);
        };
        std::uint64_t block = 1;
        for (unsigned d = 0; d < 3; ++d) {
            bd.dims[d].wrap = pick(d == 0 ? 1 : 0, 5);
            bd.dims[d].step = pick(0, 9);
            if (padding) {
                bd.dims[d].pad_before = pick(0, 2);
                bd.dims[d].pad_after = pick(0, 2);
            }
            block *= bd.dims[d].pad_before + std::max(1u, bd.dims[d].wrap) + bd.dims[d].pad_after;
        }
        if (pick(0, 3) == 0) {
            bd.dims[0].step = 1; // contiguous rows, the common case
        }
        bd.d3_step = pick(0, 50);
        bd.length = pick(1, static_cast<unsigned>(std::min<std::uint64_t>(block * 3, 2000)));
        std::uint64_t top = 0;
        for (const auto& a : reference_addresses(bd, 0)) {
            top = std::max<std::uint64_t>(top, a.value_or(0) + 4);
        }
        if (top <= span) {
            return bd;
        }
    }
}

// Waits (in simulated time) until the channel has completed `n` tasks.
bool wait_tasks(ArrayBench& b, unsigned col, unsigned row, DmaDir dir, unsigned ch,
                std::uint32_t n) {
    DmaChannel& c = b.array->tile(col, row).channel(dir, ch);
    for (int i = 0; i < 100000 && c.tasks_done() < n; ++i) {
        sc_core::wait(b.array->context().cycles(64));
    }
    return c.tasks_done() >= n;
}

struct LoopbackCase {
    unsigned row;
    bool host; // shim: memory is the host
};

// Memory access for the loopback: tile memory (through the control path) or host memory.
void put_words(ArrayBench& b, const LoopbackCase& lc, std::uint64_t address,
               const std::vector<std::uint32_t>& words) {
    if (lc.host) {
        b.host.write(address, words.data(), words.size() * 4);
    } else {
        REQUIRE(b.array->write(b.array->geometry().tile_address(0, lc.row, 0) + address,
                               reinterpret_cast<const std::uint8_t*>(words.data()),
                               static_cast<std::uint32_t>(words.size() * 4)) == AccessStatus::ok);
    }
}

std::uint32_t get_word(ArrayBench& b, const LoopbackCase& lc, std::uint64_t address) {
    std::uint32_t v = 0;
    if (lc.host) {
        b.host.read(address, &v, 4);
    } else if (!b.array->read32(b.array->geometry().tile_address(0, lc.row, 0) + address, v)) {
        v = 0xBAD0BAD0u; // unmapped: cannot match any expected word
    }
    return v;
}

// MM2S with `src_bd` -> S2MM with `dst_bd` in the same tile through the tile's own switch.
void loopback(ArrayBench& b, TileRegs& r, const LoopbackCase& lc, const BufferDescriptor& src,
              const BufferDescriptor& dst, std::uint32_t expected_tasks) {
    // Shim BDs address host memory through the AIE's DDR window.
    BufferDescriptor s = src;
    BufferDescriptor d = dst;
    if (lc.host) {
        s.address = b.aie(s.address);
        d.address = b.aie(d.address);
    }
    r.bd(0, lc.row, DmaDir::mm2s, 0, 1, s);
    r.bd(0, lc.row, DmaDir::s2mm, 0, 2, d);
    r.push(0, lc.row, DmaDir::s2mm, 0, 2, 1, true);
    r.push(0, lc.row, DmaDir::mm2s, 0, 1, 1, false);
    REQUIRE(wait_tasks(b, 0, lc.row, DmaDir::s2mm, 0, expected_tasks));
}

void check_addressing(const LoopbackCase& lc) {
    ArrayBench b;
    TileRegs r(*b.array);
    const bool memtile = lc.row == 1;
    const std::uint64_t src_base = lc.host ? 0x2'0000'0000ull : 0;
    const std::uint64_t dst_base = lc.host ? 0x3'0000'0000ull : (memtile ? 0x200000 : 0x10000);
    const std::uint64_t span = memtile || lc.host ? 0x40000 : 0x8000;
    std::mt19937 rng(lc.row * 77 + (lc.host ? 1 : 0));
    b.run([&] {
        r.connect(0, lc.row, dma(0), dma(0));
        // Source pattern: every word holds its own word index + marker.
        std::vector<std::uint32_t> pattern(span / 4);
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            pattern[i] = 0x40000000u + static_cast<std::uint32_t>(i);
        }
        put_words(b, lc, src_base, pattern);
        std::uint32_t tasks = 0;
        for (int iteration = 0; iteration < 25; ++iteration) {
            // MM2S addressing (padding only where supported): read side.
            const BufferDescriptor src = random_bd(rng, memtile, span);
            BufferDescriptor src_at = src;
            src_at.address = src_base;
            put_words(b, lc, dst_base, std::vector<std::uint32_t>(src.length, 0xFFFFFFFFu));
            loopback(b, r, lc, src_at, linear_bd(dst_base, src.length * 4), ++tasks);
            const auto expect = reference_addresses(src, 0);
            std::size_t bad = 0;
            for (std::size_t i = 0; i < expect.size(); ++i) {
                const std::uint32_t want =
                    expect[i] ? 0x40000000u + static_cast<std::uint32_t>(*expect[i] / 4) : 0u;
                bad += get_word(b, lc, dst_base + 4 * i) != want ? 1 : 0;
            }
            CHECK(bad == 0);
            // S2MM addressing: write side, last write wins for repeated addresses.
            BufferDescriptor dst = random_bd(rng, false, span);
            std::vector<std::uint32_t> seq(dst.length);
            for (std::size_t i = 0; i < seq.size(); ++i) {
                seq[i] = 0x80000000u + static_cast<std::uint32_t>(i);
            }
            const std::uint64_t seq_at = src_base + span; // after the pattern
            put_words(b, lc, seq_at, seq);
            put_words(b, lc, dst_base, std::vector<std::uint32_t>(span / 4, 0));
            BufferDescriptor dst_at = dst;
            dst_at.address = dst_base;
            loopback(b, r, lc, linear_bd(seq_at, dst.length * 4), dst_at, ++tasks);
            std::map<std::uint64_t, std::uint32_t> written;
            const auto where = reference_addresses(dst, 0);
            for (std::size_t i = 0; i < where.size(); ++i) {
                written[*where[i]] = seq[i];
            }
            bad = 0;
            for (std::uint64_t a = 0; a < span; a += 4) {
                const auto it = written.find(a);
                bad += get_word(b, lc, dst_base + a) != (it == written.end() ? 0u : it->second) ? 1
                                                                                                : 0;
            }
            CHECK(bad == 0);
        }
        CHECK(b.array->error_count(0) == 0);
    });
}

} // namespace

TEST_CASE("the reference address generator itself", "[dma]") {
    // Documented example: D0 wrap 2 step 1, D1 wrap 3 step 10, one word of padding before
    // D0: each row is [pad, a, a+1].
    BufferDescriptor bd;
    bd.length = 9;
    bd.dims[0] = BdDim{1, 2, 1, 0};
    bd.dims[1] = BdDim{10, 3, 0, 0};
    const auto a = reference_addresses(bd, 0);
    const std::vector<std::optional<std::uint64_t>> expected{
        std::nullopt, 0, 4, std::nullopt, 40, 44, std::nullopt, 80, 84};
    CHECK(a == expected);
}

TEST_CASE("compute tile DMA addressing matches the reference generator", "[dma]") {
    check_addressing({2, false});
}
TEST_CASE("memory tile DMA addressing (with padding) matches the reference generator", "[dma]") {
    check_addressing({1, false});
}
TEST_CASE("shim DMA addressing of host memory matches the reference generator", "[dma]") {
    check_addressing({0, true});
}

TEST_CASE("iteration dimension, BD chains and repeat counts", "[dma]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const unsigned row = 1;
    b.run([&] {
        r.connect(0, row, dma(0), dma(0));
        std::vector<std::uint32_t> words(64);
        for (std::uint32_t i = 0; i < 64; ++i) {
            words[i] = i + 1;
        }
        REQUIRE(b.array->write(r.addr(0, row, 0), reinterpret_cast<std::uint8_t*>(words.data()),
                               256) == AccessStatus::ok);
        // MM2S: chain BD3 (2 words at 0, iteration wrap 3 step 8 words) -> BD4 (1 word at
        // word 40), executed 4 times: 1,2 | 41 / 9,10 | 41 / 17,18 | 41 / 1,2 | 41.
        BufferDescriptor a = linear_bd(0, 8);
        a.iter_wrap = 3;
        a.iter_step = 8;
        a.use_next = true;
        a.next_bd = 4;
        r.bd(0, row, DmaDir::mm2s, 0, 3, a);
        r.bd(0, row, DmaDir::mm2s, 0, 4, linear_bd(160, 4));
        r.bd(0, row, DmaDir::s2mm, 0, 0, linear_bd(0x1000, 12 * 4));
        r.push(0, row, DmaDir::s2mm, 0, 0, 1, true);
        r.push(0, row, DmaDir::mm2s, 0, 3, 4, true);
        REQUIRE(wait_tasks(b, 0, row, DmaDir::s2mm, 0, 1));
        std::vector<std::uint32_t> got(12);
        REQUIRE(b.array->read(r.addr(0, row, 0x1000), reinterpret_cast<std::uint8_t*>(got.data()),
                              48) == AccessStatus::ok);
        CHECK(got == std::vector<std::uint32_t>{1, 2, 41, 9, 10, 41, 17, 18, 41, 1, 2, 41});
        // The DMA wrote the iteration counter back: 4 executions mod 3 = 1.
        const std::uint32_t w6 = r.bd_word(0, row, DmaDir::mm2s, 0, 3, kBdIterCurrentWord);
        CHECK(((w6 >> kBdIterCurrentShift) & 0xFF) == 1);
        CHECK(r.channel(0, row, DmaDir::mm2s, 0, regs::kChannelTasksDone) == 1);
        CHECK(r.channel(0, row, DmaDir::mm2s, 0, regs::kChannelTokens) == 1);
    });
}

TEST_CASE("BD locks gate transfers; status shows the stall", "[dma]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const unsigned row = 2;
    b.run([&] {
        r.connect(0, row, dma(0), dma(0));
        BufferDescriptor src = linear_bd(0, 64);
        src.acquire = BdLock{true, false, 3, 2}; // waits for lock 3 >= 2
        src.release = BdLock{true, false, 4, 5}; // then lock 4 += 5
        r.bd(0, row, DmaDir::mm2s, 0, 0, src);
        BufferDescriptor dst = linear_bd(0x8000, 64);
        dst.acquire = BdLock{true, true, 6, 1}; // waits for lock 6 == 1
        r.bd(0, row, DmaDir::s2mm, 0, 1, dst);
        r.push(0, row, DmaDir::s2mm, 0, 1, 1, true);
        r.push(0, row, DmaDir::mm2s, 0, 0);
        r.lock(0, row, 3, 1);
        sc_core::wait(b.array->context().cycles(500));
        CHECK((r.status(0, row, DmaDir::mm2s, 0) & regs::kStatusLockStall) != 0);
        CHECK((r.status(0, row, DmaDir::mm2s, 0) & regs::kStatusStateMask) == 1);
        CHECK((r.status(0, row, DmaDir::s2mm, 0) & regs::kStatusLockStall) != 0);
        r.lock(0, row, 3, 2); // MM2S may go: it takes 2, sends, releases lock 4
        sc_core::wait(b.array->context().cycles(500));
        CHECK(r.lock(0, row, 3) == 0);
        CHECK(r.lock(0, row, 4) == 5);
        CHECK(r.channel(0, row, DmaDir::s2mm, 0, regs::kChannelTasksDone) == 0); // still gated
        CHECK((r.status(0, row, DmaDir::s2mm, 0) & regs::kStatusLockStall) != 0);
        r.lock(0, row, 6, 1);
        REQUIRE(wait_tasks(b, 0, row, DmaDir::s2mm, 0, 1));
        CHECK(r.lock(0, row, 6) == 1); // acquire-equal leaves the value
        const std::uint32_t idle = r.status(0, row, DmaDir::s2mm, 0);
        CHECK((idle & ~(0xFu << regs::kStatusBdShift)) == 0); // idle, no error, empty queue
    });
}

TEST_CASE("task queue: 16 deep, overflow is sticky and reported, tokens count tasks", "[dma]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        r.connect(0, 2, dma(0), dma(0));
        BufferDescriptor gated = linear_bd(0, 16);
        gated.acquire = BdLock{true, false, 0, 1};
        r.bd(0, 2, DmaDir::s2mm, 0, 0, gated);
        r.bd(0, 2, DmaDir::mm2s, 0, 1, linear_bd(0x100, 16));
        r.push(0, 2, DmaDir::s2mm, 0, 0, 1, true);
        sc_core::wait(b.array->context().cycles(50)); // the channel takes it and stalls
        for (int i = 0; i < 17; ++i) {
            r.push(0, 2, DmaDir::s2mm, 0, 0, 1, true);
        }
        sc_core::wait(b.array->context().cycles(50));
        const std::uint32_t st = r.status(0, 2, DmaDir::s2mm, 0);
        // One task running (stalled on the lock), 16 pending; the 17th overflowed.
        CHECK(((st >> regs::kStatusQueueShift) & 0x1F) == 16);
        CHECK((st & regs::kStatusOverflow) != 0);
        CHECK((st & regs::kStatusStateMask) == 1);
        CHECK(b.array->active_error_count(0) == 1);
        CHECK(b.array->errors(0).back().message.find("overflow") != std::string::npos);
        // Feed the 17 accepted tasks: each one consumes a lock token and 16 bytes.
        for (int i = 0; i < 17; ++i) {
            r.push(0, 2, DmaDir::mm2s, 0, 1);
            r.lock(0, 2, 0, 1);
            sc_core::wait(b.array->context().cycles(200));
        }
        CHECK(r.channel(0, 2, DmaDir::s2mm, 0, regs::kChannelTasksDone) == 17);
        CHECK(r.channel(0, 2, DmaDir::s2mm, 0, regs::kChannelTokens) == 17);
        CHECK(b.array->tokens_available(0, 2, DmaDir::s2mm, 0) == 17);
        CHECK((r.status(0, 2, DmaDir::s2mm, 0) & regs::kStatusOverflow) != 0); // sticky
        // Channel reset clears overflow, counters and tokens.
        r.write(0, 2, regs::channel_offset(TileKind::core, DmaDir::s2mm, 0, regs::kChannelCtrl),
                regs::kChannelCtrlReset);
        CHECK(r.status(0, 2, DmaDir::s2mm, 0) == 0);
        CHECK(b.array->tokens_available(0, 2, DmaDir::s2mm, 0) == 0);
        // Reserved bits in START_QUEUE: refused, nothing queued.
        r.write(0, 2,
                regs::channel_offset(TileKind::core, DmaDir::s2mm, 0, regs::kChannelStartQueue),
                0x100);
        CHECK(((r.status(0, 2, DmaDir::s2mm, 0) >> regs::kStatusQueueShift) & 0x1F) == 0);
    });
}

TEST_CASE("bad BDs halt the channel with an error code; reset recovers it", "[dma]") {
    struct Bad {
        const char* what;
        unsigned row;
        DmaDir dir;
        BufferDescriptor bd;
        DmaError code;
    };
    BufferDescriptor invalid = linear_bd(0, 16);
    invalid.valid = false;
    BufferDescriptor zero = linear_bd(0, 0);
    BufferDescriptor misaligned = linear_bd(2, 16);
    BufferDescriptor pad_s2mm = linear_bd(0, 16);
    pad_s2mm.dims[0] = BdDim{1, 2, 1, 0};
    BufferDescriptor pad_core = pad_s2mm;
    BufferDescriptor beyond = linear_bd(0x1FFF0, 32); // core memory is 128 KiB
    BufferDescriptor strided_beyond = linear_bd(0, 16);
    strided_beyond.dims[0] = BdDim{0x4000, 3, 0, 0}; // words 0, 16K, 32K: 128 KiB
    BufferDescriptor high = linear_bd(0x1'0000'0000ull, 16);
    BufferDescriptor bad_lock = linear_bd(0, 16);
    bad_lock.acquire = BdLock{true, false, 20, 1}; // a core tile has 16 locks
    BufferDescriptor bad_iter = linear_bd(0, 16);
    bad_iter.iter_wrap = 2;
    bad_iter.iter_current = 2;
    const std::vector<Bad> cases{
        {"invalid", 2, DmaDir::s2mm, invalid, DmaError::bd_invalid},
        {"zero length", 1, DmaDir::mm2s, zero, DmaError::bd_field},
        {"misaligned", 0, DmaDir::mm2s, misaligned, DmaError::bd_field},
        {"padding on S2MM", 1, DmaDir::s2mm, pad_s2mm, DmaError::bd_field},
        {"padding on a core tile", 2, DmaDir::mm2s, pad_core, DmaError::bd_field},
        {"beyond memory", 2, DmaDir::s2mm, beyond, DmaError::address_range},
        {"strided beyond memory", 2, DmaDir::mm2s, strided_beyond, DmaError::address_range},
        {"high address on a memtile", 1, DmaDir::s2mm, high, DmaError::bd_field},
        {"lock id", 2, DmaDir::s2mm, bad_lock, DmaError::bd_field},
        {"iteration current", 1, DmaDir::mm2s, bad_iter, DmaError::bd_field},
    };
    for (const Bad& c : cases) {
        DYNAMIC_SECTION(c.what) {
            ArrayBench b;
            TileRegs r(*b.array);
            b.run([&] {
                r.bd(0, c.row, c.dir, 0, 5, c.bd);
                r.push(0, c.row, c.dir, 0, 5, 1, true);
                sc_core::wait(b.array->context().cycles(1000)); // past the shim task overhead
                const std::uint32_t st = r.status(0, c.row, c.dir, 0);
                CHECK((st & regs::kStatusStateMask) == 2);
                CHECK((st >> regs::kStatusErrorShift) == static_cast<std::uint32_t>(c.code));
                CHECK(b.array->active_error_count(0) == 1);
                CHECK(b.array->tokens_available(0, c.row, c.dir, 0) == 0);
                // Halted: further tasks stay queued.
                r.push(0, c.row, c.dir, 0, 5, 1, true);
                sc_core::wait(b.array->context().cycles(100));
                CHECK(((r.status(0, c.row, c.dir, 0) >> regs::kStatusQueueShift) & 0x1F) == 1);
                // Reset, fix the BD (a memory-to-memory loop on the same tile) and go again.
                r.write(0, c.row,
                        regs::channel_offset(b.array->geometry().kind(c.row), c.dir, 0,
                                             regs::kChannelCtrl),
                        regs::kChannelCtrlReset);
                CHECK(r.status(0, c.row, c.dir, 0) == 0);
            });
        }
    }
}

TEST_CASE("host bus errors halt the shim channel, tagged with the column owner", "[dma]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.host.add_error_window(0x5000'0000, 0x5000'1000);
    b.array->set_column_owner(2, 0xABCD);
    b.run([&] {
        r.connect(2, 0, dma(0), dma(0));
        // crosses into the window
        r.bd(2, 0, DmaDir::mm2s, 0, 0, linear_bd(b.aie(0x5000'0F00), 0x200));
        r.bd(2, 0, DmaDir::s2mm, 0, 1, linear_bd(b.aie(0x6000'0000), 0x200));
        r.push(2, 0, DmaDir::s2mm, 0, 1, 1, true);
        r.push(2, 0, DmaDir::mm2s, 0, 0, 1, true);
        sc_core::wait(b.array->context().cycles(2000));
        const std::uint32_t st = r.status(2, 0, DmaDir::mm2s, 0);
        CHECK((st & regs::kStatusStateMask) == 2);
        CHECK((st >> regs::kStatusErrorShift) == static_cast<std::uint32_t>(DmaError::host_access));
        CHECK(r.channel(2, 0, DmaDir::mm2s, 0, regs::kChannelErrorInfo) ==
              static_cast<std::uint32_t>(b.aie(0x5000'0F00)));
        REQUIRE(b.array->active_error_count(2) == 1);
        CHECK(b.array->errors(2).back().message.find("host read") != std::string::npos);
        CHECK(b.array->active_error_count(0) == 0);
        // A write into the window fails the same way on the S2MM side.
        r.bd(2, 0, DmaDir::mm2s, 1, 2, linear_bd(b.aie(0x7000'0000), 0x40));
        r.bd(2, 0, DmaDir::s2mm, 1, 3, linear_bd(b.aie(0x5000'0000), 0x40));
        r.connect(2, 0, dma(1), dma(1));
        r.push(2, 0, DmaDir::s2mm, 1, 3);
        r.push(2, 0, DmaDir::mm2s, 1, 2);
        sc_core::wait(b.array->context().cycles(2000));
        CHECK((r.status(2, 0, DmaDir::s2mm, 1) >> regs::kStatusErrorShift) ==
              static_cast<std::uint32_t>(DmaError::host_access));
    });
    CHECK(b.host.tags_seen == std::set<std::uint32_t>{0xABCD});
}

TEST_CASE("the shim sees host memory through the DDR window at aie.host_address_offset", "[dma]") {
    tiles::ArrayConfig config;
    config.host_address_offset = 0x8000'0000; // XRT's get_ddr_aie_addr_offset()
    ArrayBench b(config);
    TileRegs r(*b.array);
    b.host.write(0x1000, std::vector<std::uint32_t>{1, 2, 3, 4}.data(), 16);
    b.run([&] {
        r.connect(1, 0, dma(0), dma(0));
        r.bd(1, 0, DmaDir::mm2s, 0, 0, linear_bd(0x8000'1000, 16));
        r.bd(1, 0, DmaDir::s2mm, 0, 1, linear_bd(0x8000'2000, 16));
        r.push(1, 0, DmaDir::s2mm, 0, 1, 1, true);
        r.push(1, 0, DmaDir::mm2s, 0, 0, 1, true);
        sc_core::wait(b.array->context().cycles(2000));
        CHECK(b.array->tokens_available(1, 0, DmaDir::s2mm, 0) == 1);
        // Below the window: a host access error, nothing reaches the host bus.
        r.bd(1, 0, DmaDir::mm2s, 1, 2, linear_bd(0x7FFF'FFF0, 16));
        r.connect(1, 0, dma(1), dma(1));
        r.push(1, 0, DmaDir::mm2s, 1, 2, 1, true);
        sc_core::wait(b.array->context().cycles(2000));
        CHECK((r.status(1, 0, DmaDir::mm2s, 1) >> regs::kStatusErrorShift) ==
              static_cast<std::uint32_t>(DmaError::host_access));
        REQUIRE(b.array->active_error_count(1) == 1);
        CHECK(b.array->errors(1).back().message.find("below the host memory window") !=
              std::string::npos);
    });
    std::vector<std::uint32_t> got(4);
    b.host.read(0x2000, got.data(), 16);
    CHECK(got == std::vector<std::uint32_t>{1, 2, 3, 4});
}
