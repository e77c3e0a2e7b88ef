// Stream switch: circuit routes across tiles (broadcast, East/West), packet routes (merging,
// id/mask selection), unroutable streams, and transfer timing: latency and back-pressure in
// simulated time against the timing table.

#include "aie_tiles/dma_channel.h"
#include "tests/aie_tiles/support/array_bench.h"
#include "tests/aie_tiles/support/tile_regs.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::tiles;
using namespace aie4sim::testing;

namespace {

void fill(ArrayBench& b, unsigned col, unsigned row, std::uint32_t offset, std::uint32_t bytes,
          std::uint32_t seed) {
    std::vector<std::uint32_t> w(bytes / 4);
    for (std::size_t i = 0; i < w.size(); ++i) {
        w[i] = seed * 0x10000 + static_cast<std::uint32_t>(i);
    }
    REQUIRE(b.array->write(b.array->geometry().tile_address(col, row, offset),
                           reinterpret_cast<const std::uint8_t*>(w.data()),
                           bytes) == AccessStatus::ok);
}

std::vector<std::uint32_t> words(ArrayBench& b, unsigned col, unsigned row, std::uint32_t offset,
                                 std::uint32_t bytes) {
    std::vector<std::uint32_t> w(bytes / 4);
    REQUIRE(b.array->read(b.array->geometry().tile_address(col, row, offset),
                          reinterpret_cast<std::uint8_t*>(w.data()), bytes) == AccessStatus::ok);
    return w;
}

std::vector<std::uint32_t> expected(std::uint32_t bytes, std::uint32_t seed) {
    std::vector<std::uint32_t> w(bytes / 4);
    for (std::size_t i = 0; i < w.size(); ++i) {
        w[i] = seed * 0x10000 + static_cast<std::uint32_t>(i);
    }
    return w;
}

DmaChannel& channel(ArrayBench& b, unsigned col, unsigned row, DmaDir dir, unsigned ch) {
    return b.array->tile(col, row).channel(dir, ch);
}

// Simulated time (in cycles) at which the channel completes its next task.
std::uint64_t completion(ArrayBench& b, DmaChannel& c) {
    const std::uint32_t before = c.tasks_done();
    while (c.tasks_done() == before) {
        sc_core::wait(b.array->token_event());
    }
    return b.now_cycles();
}

BufferDescriptor packet_bd(std::uint32_t addr, std::uint32_t bytes, unsigned id) {
    BufferDescriptor bd = linear_bd(addr, bytes);
    bd.packet_enable = true;
    bd.packet_id = id;
    return bd;
}

} // namespace

TEST_CASE("circuit routes: up the column with broadcast, and East to the next column", "[stream]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        // memtile (0,1) MM2S0 -> North0 -> core (0,2) -> {S2MM0, North0} -> core (0,3) S2MM0.
        r.connect(0, 1, dma(0), north(0));
        r.connect(0, 2, south(0), dma(0));
        r.connect(0, 2, south(0), north(0));
        r.connect(0, 3, south(0), dma(0));
        // core (0,4) MM2S0 -> East2 -> core (1,4) West2 -> S2MM1.
        r.connect(0, 4, dma(0), east(2));
        r.connect(1, 4, west(2), dma(1));
        fill(b, 0, 1, 0x1000, 3000, 1);
        fill(b, 0, 4, 0x0, 1000, 2);
        r.bd(0, 2, DmaDir::s2mm, 0, 0, linear_bd(0x100, 3000));
        r.bd(0, 3, DmaDir::s2mm, 0, 0, linear_bd(0x200, 3000));
        r.bd(0, 1, DmaDir::mm2s, 0, 0, linear_bd(0x1000, 3000));
        r.bd(1, 4, DmaDir::s2mm, 1, 3, linear_bd(0x400, 1000));
        r.bd(0, 4, DmaDir::mm2s, 0, 4, linear_bd(0x0, 1000));
        r.push(0, 2, DmaDir::s2mm, 0, 0, 1, true);
        r.push(0, 3, DmaDir::s2mm, 0, 0, 1, true);
        r.push(1, 4, DmaDir::s2mm, 1, 3, 1, true);
        r.push(0, 1, DmaDir::mm2s, 0, 0);
        r.push(0, 4, DmaDir::mm2s, 0, 4);
        sc_core::wait(b.array->context().cycles(5000));
        CHECK(words(b, 0, 2, 0x100, 3000) == expected(3000, 1));
        CHECK(words(b, 0, 3, 0x200, 3000) == expected(3000, 1));
        CHECK(words(b, 1, 4, 0x400, 1000) == expected(1000, 2));
        CHECK(b.array->error_count(0) + b.array->error_count(1) == 0);
    });
}

TEST_CASE("packet routes: merging two sources whole packets at a time, and id/mask selection",
          "[stream]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const std::uint32_t packet = 256;
    b.run([&] {
        const auto pkt_master = regs::switch_master_packet();
        const auto pkt_slave = regs::kSwitchEnable | regs::kSwitchPacket;
        const unsigned core_dma_slave = *slave_port(TileKind::core, PortKind::dma, 0);
        const unsigned core_north_slave = *slave_port(TileKind::core, PortKind::north, 0);
        const unsigned core_south_master = *master_port(TileKind::core, PortKind::south, 0);
        // Row 3 sends its packets down (circuit) to row 2.
        r.connect(0, 3, dma(0), south(0));
        // Row 2 merges its own packets (DMA0 slave) and row 3's (North0 slave) onto South0.
        r.reg(0, 2, regs::kSwitchSlave + 4 * core_dma_slave, pkt_slave);
        r.reg(0, 2, regs::kSwitchSlave + 4 * core_north_slave, pkt_slave);
        r.reg(0, 2, regs::kSwitchSlot + 0x10 * core_dma_slave,
              regs::switch_slot(0, 0, core_south_master));
        r.reg(0, 2, regs::kSwitchSlot + 0x10 * core_north_slave,
              regs::switch_slot(0, 0, core_south_master));
        r.reg(0, 2, regs::kSwitchMaster + 4 * core_south_master, pkt_master);
        // Memtile: North0 slave in packet mode; ids 8..15 -> S2MM1, id 3 -> S2MM0, others none.
        const unsigned mem_north_slave = *slave_port(TileKind::mem, PortKind::north, 0);
        r.reg(0, 1, regs::kSwitchSlave + 4 * mem_north_slave, pkt_slave);
        r.reg(0, 1, regs::kSwitchSlot + 0x10 * mem_north_slave + 0, regs::switch_slot(3, 0x1F, 0));
        r.reg(0, 1, regs::kSwitchSlot + 0x10 * mem_north_slave + 4, regs::switch_slot(8, 0x18, 1));
        r.reg(0, 1, regs::kSwitchMaster + 0, pkt_master);
        r.reg(0, 1, regs::kSwitchMaster + 4, pkt_master);
        // Row 2 sends ids 3, 9; row 3 sends ids 3, 12 (each packet one BD, chained).
        fill(b, 0, 2, 0, 2 * packet, 2);
        fill(b, 0, 3, 0, 2 * packet, 3);
        for (const unsigned row : {2u, 3u}) {
            BufferDescriptor first = packet_bd(0, packet, 3);
            first.use_next = true;
            first.next_bd = 1;
            r.bd(0, row, DmaDir::mm2s, 0, 0, first);
            r.bd(0, row, DmaDir::mm2s, 0, 1, packet_bd(packet, packet, row == 2 ? 9 : 12));
        }
        r.bd(0, 1, DmaDir::s2mm, 0, 0, linear_bd(0x10000, 2 * packet));
        r.bd(0, 1, DmaDir::s2mm, 1, 0, linear_bd(0x20000, 2 * packet));
        r.push(0, 1, DmaDir::s2mm, 0, 0, 1, true);
        r.push(0, 1, DmaDir::s2mm, 1, 0, 1, true);
        r.push(0, 2, DmaDir::mm2s, 0, 0);
        r.push(0, 3, DmaDir::mm2s, 0, 0);
        sc_core::wait(b.array->context().cycles(5000));
        REQUIRE(b.array->error_count(0) == 0);
        // S2MM0 got both id-3 packets, each whole; S2MM1 the id-9 and id-12 packets.
        const auto s0 = words(b, 0, 1, 0x10000, 2 * packet);
        const auto s1 = words(b, 0, 1, 0x20000, 2 * packet);
        const auto p2 = expected(2 * packet, 2);
        const auto p3 = expected(2 * packet, 3);
        auto half = [&](const std::vector<std::uint32_t>& v, unsigned i) {
            return std::vector<std::uint32_t>(v.begin() + i * packet / 4,
                                              v.begin() + (i + 1) * packet / 4);
        };
        const bool s0_order = (half(s0, 0) == half(p2, 0) && half(s0, 1) == half(p3, 0)) ||
                              (half(s0, 0) == half(p3, 0) && half(s0, 1) == half(p2, 0));
        const bool s1_order = (half(s1, 0) == half(p2, 1) && half(s1, 1) == half(p3, 1)) ||
                              (half(s1, 0) == half(p3, 1) && half(s1, 1) == half(p2, 1));
        CHECK(s0_order);
        CHECK(s1_order);
        // An id no slot matches: the sender halts with "no route".
        r.bd(0, 2, DmaDir::mm2s, 0, 2, packet_bd(0, 16, 20));
        r.push(0, 2, DmaDir::mm2s, 0, 2);
        sc_core::wait(b.array->context().cycles(200));
        CHECK((r.status(0, 2, DmaDir::mm2s, 0) >> regs::kStatusErrorShift) ==
              static_cast<std::uint32_t>(DmaError::no_route));
        CHECK(b.array->errors(0).back().message.find("no slot matches packet id 20") !=
              std::string::npos);
    });
}

TEST_CASE("unroutable streams halt the sender with a message", "[stream]") {
    struct Case {
        const char* what;
        std::function<void(TileRegs&)> setup;
        const char* message;
    };
    const std::vector<Case> cases{
        {"slave not enabled", [](TileRegs&) {}, "is not enabled"},
        {"no master", [](TileRegs& r) { r.reg(0, 2, regs::kSwitchSlave + 0, regs::kSwitchEnable); },
         "feeds no master"},
        {"out of the array", [](TileRegs& r) { r.connect(0, 2, dma(0), west(0)); },
         "leads out of the array"},
        {"non-packet data into a packet slave",
         [](TileRegs& r) {
             r.reg(0, 2, regs::kSwitchSlave + 0, regs::kSwitchEnable | regs::kSwitchPacket);
         },
         "not a packet"},
        {"dangling upward route",
         [](TileRegs& r) {
             r.connect(0, 2, dma(0), north(1));
             r.connect(0, 3, south(1), north(1));
         },
         "is not enabled"},
    };
    for (const Case& c : cases) {
        DYNAMIC_SECTION(c.what) {
            ArrayBench b;
            TileRegs r(*b.array);
            b.run([&] {
                c.setup(r);
                r.bd(0, 2, DmaDir::mm2s, 0, 0, linear_bd(0, 64));
                r.push(0, 2, DmaDir::mm2s, 0, 0);
                sc_core::wait(b.array->context().cycles(100));
                CHECK((r.status(0, 2, DmaDir::mm2s, 0) >> regs::kStatusErrorShift) ==
                      static_cast<std::uint32_t>(DmaError::no_route));
                REQUIRE(b.array->active_error_count(0) == 1);
                CHECK(b.array->errors(0).back().message.find(c.message) != std::string::npos);
            });
        }
    }
}

TEST_CASE("switch registers refuse bad values", "[stream]") {
    ArrayBench b;
    TileRegs r(*b.array);
    b.run([&] {
        r.reg(0, 2, regs::kSwitchMaster, regs::switch_master_circuit(18)); // core: 19 slaves, ok
        CHECK(r.reg(0, 2, regs::kSwitchMaster) == regs::switch_master_circuit(18));
        r.reg(0, 2, regs::kSwitchMaster, regs::switch_master_circuit(19)); // no slave 19
        CHECK(r.reg(0, 2, regs::kSwitchMaster) == regs::switch_master_circuit(18));
        r.reg(0, 2, regs::kSwitchSlave, 0x1); // reserved bit
        CHECK(r.reg(0, 2, regs::kSwitchSlave) == 0);
        r.reg(0, 2, regs::kSwitchSlot, regs::switch_slot(1, 1, 40)); // no master 40
        CHECK(r.reg(0, 2, regs::kSwitchSlot) == 0);
        CHECK(b.array->active_error_count(0) == 3);
    });
}

TEST_CASE("transfer time = BD overhead + bytes / rate + path latency", "[stream][timing]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const TimingTable& t = b.array->config().timing;
    const std::uint32_t bytes = 4096;
    b.run([&] {
        // Local loopback inside a memtile: one switch.
        r.connect(0, 1, dma(0), dma(0));
        r.bd(0, 1, DmaDir::mm2s, 0, 0, linear_bd(0, bytes));
        r.bd(0, 1, DmaDir::s2mm, 0, 0, linear_bd(0x10000, bytes));
        const std::uint64_t t0 = b.now_cycles();
        r.push(0, 1, DmaDir::s2mm, 0, 0, 1, true);
        r.push(0, 1, DmaDir::mm2s, 0, 0);
        const std::uint64_t rate = std::min(t.mem_dma_bytes_per_cycle, t.stream_width_bytes);
        const std::uint64_t local = 1 * t.hop_latency_cycles + t.master_latency_cycles;
        CHECK(completion(b, channel(b, 0, 1, DmaDir::s2mm, 0)) - t0 ==
              t.dma_bd_overhead_cycles + bytes / rate + local);

        // Memtile -> core two rows up: three switches.
        r.connect(0, 1, dma(1), north(0));
        r.connect(0, 2, south(0), north(0));
        r.connect(0, 3, south(0), dma(1));
        r.bd(0, 1, DmaDir::mm2s, 1, 0, linear_bd(0, bytes));
        r.bd(0, 3, DmaDir::s2mm, 1, 0, linear_bd(0x100, bytes));
        const std::uint64_t t1 = b.now_cycles();
        r.push(0, 3, DmaDir::s2mm, 1, 0, 1, true);
        r.push(0, 1, DmaDir::mm2s, 1, 0);
        const std::uint64_t three = 3 * t.hop_latency_cycles + t.master_latency_cycles;
        CHECK(completion(b, channel(b, 0, 3, DmaDir::s2mm, 1)) - t1 ==
              t.dma_bd_overhead_cycles + bytes / rate + three);
    });
}

TEST_CASE("back-pressure: a slow receiver paces the sender", "[stream][timing]") {
    ArrayBench b;
    TileRegs r(*b.array);
    const TimingTable& t = b.array->config().timing;
    const std::uint32_t bytes = 16384;
    b.run([&] {
        // Memtile MM2S0 (16 B/cycle) -> shim S2MM0 (4 B/cycle) -> host.
        r.connect(0, 1, dma(0), south(0));
        r.connect(0, 0, north(0), dma(0));
        fill(b, 0, 1, 0, bytes, 9);
        r.bd(0, 1, DmaDir::mm2s, 0, 0, linear_bd(0, bytes));
        r.bd(0, 0, DmaDir::s2mm, 0, 0, linear_bd(b.aie(0x9'0000'0000ull), bytes));
        const std::uint64_t t0 = b.now_cycles();
        r.push(0, 1, DmaDir::mm2s, 0, 0, 1, true);
        // No receiver yet: the sender fills the path's FIFOs and stalls.
        sc_core::wait(b.array->context().cycles(3000));
        auto& sender = channel(b, 0, 1, DmaDir::mm2s, 0);
        CHECK(sender.tasks_done() == 0);
        CHECK((sender.status() & regs::kStatusStreamStall) != 0);
        auto& inbox = channel(b, 0, 0, DmaDir::s2mm, 0).inbox();
        // Path: memtile slave + external master, shim slave + local master, shim receive buffer.
        const std::uint32_t capacity =
            (t.slave_fifo_depth + t.external_master_fifo_depth + t.slave_fifo_depth +
             t.local_master_fifo_depth + t.shim_ingress_depth) *
            t.stream_width_bytes;
        CHECK(inbox.capacity() == capacity);
        CHECK(inbox.used() <= capacity);
        CHECK(inbox.used() >= capacity / 2);
        // Start the receiver: it drains at the shim rate and the sender finishes only once
        // everything but one path-full is through.
        const std::uint64_t t1 = b.now_cycles();
        r.push(0, 0, DmaDir::s2mm, 0, 0, 1, true);
        const std::uint64_t sender_done = completion(b, sender);
        const std::uint64_t receiver_done = completion(b, channel(b, 0, 0, DmaDir::s2mm, 0));
        const std::uint64_t start =
            t1 + t.shim_s2mm_task_overhead_cycles + t.dma_bd_overhead_cycles;
        CHECK(receiver_done >= start + bytes / t.shim_dma_bytes_per_cycle);
        CHECK(receiver_done <= start + bytes / t.shim_dma_bytes_per_cycle + 16);
        CHECK(sender_done >= start + (bytes - capacity) / t.shim_dma_bytes_per_cycle);
        CHECK(sender_done <= receiver_done);
        CHECK(t0 < t1);
    });
    std::vector<std::uint32_t> got(bytes / 4);
    b.host.read(0x9'0000'0000ull, got.data(), bytes);
    CHECK(got == expected(bytes, 9));
}
