// A VF's firmware: tile info, partitions, contexts, isolation between functions, FLR.
#include "device_fixture.h"
#include "pcie/config_regs.h"
#include "pcie/express_capability.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace mgmt = aie4sim::models::mgmt;

TEST_CASE("AIE_TILE_INFO describes the configured array", "[firmware][vf]") {
    models::DeviceConfig config = models::default_device_config();
    config.aie.geometry.columns = 4;
    DeviceBench b(config);
    std::vector<std::uint8_t> info;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        info = d.call(1, mgmt::kAieTileInfo, words({0}), 48).payload;
    });
    REQUIRE(b.failure.empty());
    REQUIRE(info.size() == 48);
    auto u16 = [&](std::size_t at) {
        std::uint16_t v = 0;
        std::memcpy(&v, info.data() + at, 2);
        return v;
    };
    CHECK(word(info, 0) == 0);
    CHECK(u16(8) == 4);   // major
    CHECK(u16(12) == 4);  // cols
    CHECK(u16(14) == 6);  // rows
    CHECK(u16(16) == 4);  // core rows
    CHECK(u16(18) == 1);  // mem rows
    CHECK(u16(20) == 1);  // shim rows
    CHECK(u16(22) == 2);  // core row start
    CHECK(u16(24) == 1);  // mem row start
    CHECK(u16(26) == 0);  // shim row start
    CHECK(u16(28) == 3);  // core DMA channels: 2 S2MM + 1 MM2S
    CHECK(u16(34) == 16); // core locks
}

TEST_CASE("partitions: non-zero ids of the function, inside the columns the VF sees",
          "[firmware][vf]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        CHECK(d.partition(1) != 0);
        CHECK(d.partition(2) != 0);
        CHECK(d.partition(1) != d.partition(2));
        // a start beyond the 3-column array, or no columns: refused
        CHECK(d.call(1, mgmt::kCreatePartition, words({3, 1}), 8).status == mgmt::kError);
        CHECK(d.call(1, mgmt::kCreatePartition, words({0, 0}), 8).status == mgmt::kError);
        // a count past the end is clamped to the columns there are
        const auto clamped = d.call(1, mgmt::kCreatePartition, words({2, 2}), 8);
        REQUIRE(clamped.status == 0);
        const auto* p = b.device.firmware().partition(1, word(clamped.payload, 1));
        REQUIRE(p != nullptr);
        CHECK(p->col_start == 2);
        CHECK(p->col_count == 1);
        const auto second = d.call(1, mgmt::kCreatePartition, words({1, 2}), 8);
        CHECK(second.status == 0);
        CHECK(word(second.payload, 1) != d.partition(1));
        // VF2 cannot destroy VF1's partition; VF1 can
        CHECK(d.call(2, mgmt::kDestroyPartition, words({d.partition(1)}), 4).status ==
              mgmt::kError);
        CHECK(d.call(1, mgmt::kDestroyPartition, words({word(second.payload, 1)}), 4).status == 0);
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.firmware().partitions(1).size() == 2);
}

TEST_CASE("spatial scheduling: each VF sees and partitions its own slice of columns",
          "[firmware][vf][spatial]") {
    models::DeviceConfig config = models::default_device_config();
    config.scheduler.policy = models::SchedulingPolicy::spatial;
    DeviceBench b(config);
    std::vector<std::uint16_t> cols;
    b.run([&](HostDriver& d) {
        bring_up(d, 4); // the driver's (0, 3) partition is clamped to each VF's one column
        for (unsigned vf = 1; vf <= 4; ++vf) {
            const auto info = d.call(vf, mgmt::kAieTileInfo, words({0}), 48).payload;
            std::uint16_t c = 0;
            std::memcpy(&c, info.data() + 12, 2);
            cols.push_back(c);
        }
    });
    REQUIRE(b.failure.empty());
    CHECK(cols == std::vector<std::uint16_t>{1, 1, 1, 1});
    for (unsigned vf = 1; vf <= 4; ++vf) {
        const auto& parts = b.device.firmware().partitions(vf);
        REQUIRE(parts.size() == 1);
        CHECK(parts.begin()->second.col_count == 1);
        const models::ColumnRange slice = b.device.columns().of(vf);
        CHECK(slice.first == (vf - 1) % 3); // 3 columns for 4 VFs: VF4 shares VF1's
        CHECK(slice.count == 1);
    }
    // The device's one plan: the PF sees the whole array, and there is nothing past VF4.
    CHECK(b.device.columns().of(0).count == 3);
    CHECK_THROWS_AS(b.device.columns().of(5), std::out_of_range);
}

TEST_CASE("hardware contexts: own partition, doorbell pages, completion vectors",
          "[firmware][vf]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        const auto c1 = d.create_context(1, 4, 0x10000000);
        const auto c2 = d.create_context(1, 12, 0x10001000);
        CHECK(c1.id != c2.id);
        CHECK(c1.doorbell % 4096 == 0);
        CHECK(c2.doorbell % 4096 == 0);
        CHECK(c1.doorbell != c2.doorbell);
        CHECK(c1.msix != 0); // never the mailbox's vector
        CHECK(c2.msix != 0);
        CHECK(c1.msix < 8);
        // too many tiles, a bad queue address, another function's partition
        const std::uint32_t p1 = d.partition(1);
        CHECK(d.call(1, mgmt::kCreateHwContext, words({p1, 13, 0, 0x1000, 0x800FFFFF, 0}), 16)
                  .status == mgmt::kError);
        CHECK(d.call(1, mgmt::kCreateHwContext, words({p1, 4, 0, 0x1004, 0x800FFFFF, 0}), 16)
                  .status == mgmt::kError);
        CHECK(d.call(2, mgmt::kCreateHwContext, words({p1, 4, 0, 0x1000, 0x800FFFFF, 0}), 16)
                  .status == mgmt::kError);
        // VF2 cannot destroy VF1's context
        CHECK(d.call(2, mgmt::kDestroyHwContext, words({c1.id, 0}), 4).status == mgmt::kError);
        d.destroy_context(c1);
        CHECK(d.call(1, mgmt::kDestroyHwContext, words({c1.id, 0}), 4).status == mgmt::kError);
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.contexts().of(1).size() == 1);
    CHECK(b.device.contexts().of(2).empty());
}

TEST_CASE("a function may hold max_contexts contexts, then is refused", "[firmware][vf]") {
    models::DeviceConfig config = models::default_device_config();
    config.firmware.max_contexts = 3;
    DeviceBench b(config);
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        for (int i = 0; i < 3; ++i) {
            d.create_context(1, 1, 0x10000000 + 0x1000 * i);
        }
        const std::uint32_t p = d.partition(1);
        CHECK(d.call(1, mgmt::kCreateHwContext, words({p, 1, 0, 0x20000000, 0x800FFFFF, 0}), 16)
                  .status == mgmt::kError);
    });
    REQUIRE(b.failure.empty());
}

TEST_CASE("isolation: PF-only messages from a VF and VF messages on the PF are refused",
          "[firmware][vf]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        CHECK(d.call(1, mgmt::kCreateVfs, words({2}), 4).status == mgmt::kError);
        CHECK(d.call(1, mgmt::kDestroyVfs, words({0}), 4).status == mgmt::kError);
        CHECK(d.call(0, mgmt::kCreatePartition, words({0, 3}), 8).status == mgmt::kError);
        CHECK(d.call(0, mgmt::kAieTileInfo, words({0}), 48).status == mgmt::kError);
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.firmware().status().vfs == 1);
}

TEST_CASE("a VF's FLR resets its firmware state and republishes its mailbox", "[firmware][flr]") {
    DeviceBench b;
    std::uint32_t valid_right_after = 99;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        d.create_context(1, 4, 0x10000000);
        d.create_context(2, 4, 0x11000000);
        const std::uint16_t devctl =
            b.device.endpoint().vf(1).express_offset() + pcie::express::kDeviceControl;
        d.cfg_write(1, devctl, 2, pcie::express::kDevCtlInitiateFlr);
        valid_right_after = b.device.sram(1).read32(mgmt::info::kValid);
        wait(sc_core::sc_time(10, sc_core::SC_MS));
    });
    REQUIRE(b.failure.empty());
    CHECK(valid_right_after == 0);
    CHECK(b.device.sram(1).read32(mgmt::info::kValid) == 1);
    CHECK(b.device.contexts().of(1).empty());
    CHECK(b.device.firmware().partitions(1).empty());
    CHECK(b.device.contexts().of(2).size() == 1); // VF2 untouched
}

TEST_CASE("a PF FLR stops the VF instances and republishes the PF mailbox", "[firmware][flr]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        const std::uint16_t devctl =
            b.device.endpoint().pf().express_offset() + pcie::express::kDeviceControl;
        d.cfg_write(0, devctl, 2, pcie::express::kDevCtlInitiateFlr);
        wait(sc_core::sc_time(10, sc_core::SC_MS));
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.firmware().status().vfs == 0);
    CHECK(b.device.sram(1).read32(mgmt::info::kValid) == 0);
    CHECK(b.device.sram(0).read32(mgmt::info::kValid) == 1);
    CHECK(b.device.firmware().status().running);
}
