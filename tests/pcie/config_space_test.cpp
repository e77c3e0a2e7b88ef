// Field semantics of configuration space (PCIe Base Specification 7.4: register attributes).
#include "pcie/config_space.h"

#include <catch2/catch.hpp>

using aie4sim::pcie::ConfigSpace;
using aie4sim::pcie::RegisterWrite;
using aie4sim::pcie::ResetKind;

TEST_CASE("RO bits ignore writes, RW bits take them, RW1C bits clear on 1 only", "[pcie][config]") {
    ConfigSpace c;
    // bits 0-3 RO (value 0x5), 4-7 RW, 8-11 RW1C (initially all set), 12-15 RO 0
    c.define(0x40, 2, 0x0F05, 0x00F0, 0x0F00);
    c.write(0x40, 2, 0xFFFF & ~0x0400); // writes 1 to RW bits and to RW1C bits 8, 9 and 11
    CHECK(c.read(0x40, 2) == (0x0005 | 0x00F0 | 0x0400));
    c.write(0x40, 2, 0x0000); // writing 0 leaves RW1C bits alone
    CHECK(c.read(0x40, 2) == 0x0405);
}

TEST_CASE("bytes never declared read as zero and ignore writes", "[pcie][config]") {
    ConfigSpace c;
    c.write(0x80, 4, 0xDEADBEEF);
    CHECK(c.read(0x80, 4) == 0);
}

TEST_CASE("malformed accesses are refused and change nothing", "[pcie][config]") {
    ConfigSpace c;
    c.define(0x40, 4, 0, 0xFFFFFFFF);
    CHECK_FALSE(ConfigSpace::valid_access(0x40, 3));
    CHECK_FALSE(ConfigSpace::valid_access(0x43, 2)); // crosses a DWORD
    CHECK_FALSE(ConfigSpace::valid_access(0xFFE, 4));
    CHECK(ConfigSpace::valid_access(0x41, 2));
    c.write(0x43, 2, 0xFFFF);
    c.write(0x40, 3, 0xFFFFFF);
    CHECK(c.read(0x40, 4) == 0);
    CHECK(c.read(0x1000, 4) == 0xFFFFFFFF);
}

TEST_CASE("partial writes touch only the addressed bytes", "[pcie][config]") {
    ConfigSpace c;
    c.define(0x40, 4, 0x11223344, 0xFFFFFFFF);
    c.write(0x42, 1, 0xAB);
    CHECK(c.read(0x40, 4) == 0x11AB3344);
    CHECK(c.read(0x42, 2) == 0x11AB);
}

TEST_CASE("a filter sees old, masked and raw bits and decides what is stored", "[pcie][config]") {
    ConfigSpace c;
    c.define(0x40, 2, 0x0001, 0x00FF);
    RegisterWrite seen;
    std::uint64_t observed_old = 0, observed_new = 0;
    c.add_register(
        0x40, 2,
        [&](const RegisterWrite& w) {
            seen = w;
            return w.masked_value > 0x10 ? w.old_value : w.masked_value;
        },
        [&](std::uint64_t o, std::uint64_t n) {
            observed_old = o;
            observed_new = n;
        });
    c.write(0x40, 2, 0xFF20);
    CHECK(seen.written_bits == 0xFF20);
    CHECK(seen.masked_value == 0x0020);
    CHECK(c.read(0x40, 2) == 0x0001); // refused by the filter
    c.write(0x40, 1, 0x07);
    CHECK(seen.written_mask == 0x00FF);
    CHECK(c.read(0x40, 2) == 0x0007);
    CHECK(observed_old == 0x0001);
    CHECK(observed_new == 0x0007);
}

TEST_CASE("a function level reset keeps only the preserved bits", "[pcie][config]") {
    ConfigSpace c;
    c.define(0x40, 2, 0x0000, 0xFFFF, 0, 0x00E0);
    c.write(0x40, 2, 0xFFFF);
    c.reset(ResetKind::function_level);
    CHECK(c.read(0x40, 2) == 0x00E0);
    c.reset(ResetKind::cold);
    CHECK(c.read(0x40, 2) == 0);
}
