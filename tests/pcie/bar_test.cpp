// BAR sizing and decode (PCI Local Bus 6.2.5.1; PCIe 7.5.1.2.1).
#include "pcie/bars.h"
#include "pcie_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;

TEST_CASE("writing all-ones to a BAR reads back its size mask and type", "[pcie][bar]") {
    FunctionBench b;
    // BAR0: 64 KiB, 32-bit, non-prefetchable
    b.cfg_write(reg::kBar0, 4, 0xFFFFFFFF);
    CHECK(b.cfg(reg::kBar0) == 0xFFFF0000);
    // BAR2/3: 1 MiB, 64-bit, prefetchable: type bits 0b1100
    b.cfg_write(reg::kBar0 + 8, 4, 0xFFFFFFFF);
    b.cfg_write(reg::kBar0 + 12, 4, 0xFFFFFFFF);
    CHECK(b.cfg(reg::kBar0 + 8) == (0xFFF00000 | reg::kBarMemType64 | reg::kBarPrefetchable));
    CHECK(b.cfg(reg::kBar0 + 12) == 0xFFFFFFFF);
    // BAR4: 4 KiB
    b.cfg_write(reg::kBar0 + 16, 4, 0xFFFFFFFF);
    CHECK(b.cfg(reg::kBar0 + 16) == 0xFFFFF000);
    // unimplemented BARs 1 and 5 stay 0
    b.cfg_write(reg::kBar0 + 4, 4, 0xFFFFFFFF);
    b.cfg_write(reg::kBar0 + 20, 4, 0xFFFFFFFF);
    CHECK(b.cfg(reg::kBar0 + 4) == 0);
    CHECK(b.cfg(reg::kBar0 + 20) == 0);
}

TEST_CASE("a programmed BAR keeps only its address bits", "[pcie][bar]") {
    FunctionBench b;
    b.cfg_write(reg::kBar0, 4, 0xFE012345);
    CHECK(b.cfg(reg::kBar0) == 0xFE010000);
    b.cfg_write(reg::kBar0 + 8, 4, 0x80000000);
    b.cfg_write(reg::kBar0 + 12, 4, 0x00000004);
    CHECK(pcie::bar_base(b.function.config_space(), reg::kBar0, b.function.function_config().bars,
                         2) == 0x480000000ull);
}

TEST_CASE("BAR decode follows Memory Space Enable and the BAR bounds", "[pcie][bar]") {
    FunctionBench b;
    b.cfg_write(reg::kBar0, 4, 0xFE000000);
    b.cfg_write(reg::kBar0 + 8, 4, 0x00000000);
    b.cfg_write(reg::kBar0 + 12, 4, 0x00000001);               // BAR2 at 4 GiB
    CHECK_FALSE(b.function.decode(0xFE000010, 4).has_value()); // decode disabled
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace);
    auto hit = b.function.decode(0xFE000010, 4);
    REQUIRE(hit.has_value());
    CHECK(hit->bar == 0);
    CHECK(hit->offset == 0x10);
    auto hit2 = b.function.decode(0x1000FFFF8ull, 8);
    REQUIRE(hit2.has_value());
    CHECK(hit2->bar == 2);
    CHECK(hit2->offset == 0xFFFF8);
    CHECK_FALSE(b.function.decode(0xFE00FFFE, 4).has_value()); // crosses the end
    CHECK_FALSE(b.function.decode(0xFE010000, 4).has_value()); // just past BAR0
}

TEST_CASE("BAR accesses reach the register block behind the BAR at their offset", "[pcie][bar]") {
    FunctionBench b;
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace);
    CHECK(write(b.function.bar_in(0), 0x40, 4, 0xCAFE).ok());
    CHECK(read(b.function.bar_in(0), 0x40, 4).value == 0xCAFE);
    REQUIRE(b.bar0.records.size() == 2);
    CHECK(b.bar0.records[0].offset == 0x40);
    CHECK(b.bar0.records[0].write);
    // BAR4 has no register block bound: an error, not a crash
    CHECK_FALSE(read(b.function.bar_in(4), 0, 4).ok());
    // past the end of the BAR
    CHECK_FALSE(read(b.function.bar_in(0), 0x10000, 4).ok());
}

TEST_CASE("BAR accesses with Memory Space Enable clear are refused", "[pcie][bar]") {
    FunctionBench b;
    CHECK_FALSE(read(b.function.bar_in(0), 0x40, 4).ok());
    CHECK(b.bar0.records.empty());
}
