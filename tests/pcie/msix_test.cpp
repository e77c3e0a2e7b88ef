// MSI-X (PCIe 6.1.4 and 7.7.2): table, PBA, per-vector and function masks, enable.
#include "pcie/msix.h"
#include "pcie_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
using Outcome = aie4sim::pcie::MsixController::Outcome;

namespace {

struct MsixBench : FunctionBench {
    std::uint16_t cap = 0;
    MsixBench() {
        cap = find_capability(reg::kCapMsix);
        cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace | reg::kCommandBusMaster);
    }
    void program(unsigned v, std::uint64_t address, std::uint32_t data, bool masked) {
        const std::uint64_t e = 0x8000 + 16ull * v;
        REQUIRE(write(function.bar_in(0), e, 8, address).ok());
        REQUIRE(write(function.bar_in(0), e + 8, 4, data).ok());
        REQUIRE(write(function.bar_in(0), e + 12, 4, masked ? 1 : 0).ok());
    }
    void control(std::uint16_t bits) { cfg_write(cap + 2, 2, bits); }
    std::uint64_t pba() { return read(function.bar_in(0), 0x9000, 8).value; }
};

} // namespace

TEST_CASE("MSI-X capability describes table size and locations", "[pcie][msix]") {
    MsixBench b;
    REQUIRE(b.cap != 0);
    CHECK((b.cfg(b.cap + 2, 2) & 0x7FF) == 7); // 8 vectors, N-1 encoded
    CHECK(b.cfg(b.cap + 4) == (0x8000u | 0));  // table offset | BIR
    CHECK(b.cfg(b.cap + 8) == (0x9000u | 0));  // PBA offset | BIR
    b.cfg_write(b.cap + 4, 4, 0);
    CHECK(b.cfg(b.cap + 4) == 0x8000u); // RO
    // after reset every vector is masked
    for (unsigned v = 0; v < 8; ++v) {
        CHECK(read(b.function.bar_in(0), 0x8000 + 16 * v + 12, 4).value == 1);
    }
}

TEST_CASE("an unmasked vector sends its programmed address and data", "[pcie][msix]") {
    MsixBench b;
    b.program(3, 0xFEE01000, 0x4043, false);
    b.control(pcie::msix::kEnable);
    CHECK(b.function.signal_msix(3) == Outcome::sent);
    REQUIRE(b.host.msis.size() == 1);
    CHECK(b.host.msis[0].vector == 3);
    CHECK(b.host.msis[0].address == 0xFEE01000);
    CHECK(b.host.msis[0].data == 0x4043);
    CHECK(b.host.msis[0].function == 0);
    CHECK(b.host.dmas.empty()); // an interrupt is not a DMA
}

TEST_CASE("a masked vector sets its pending bit and fires when unmasked", "[pcie][msix]") {
    MsixBench b;
    b.program(5, 0xFEE00000, 0x55, true);
    b.control(pcie::msix::kEnable);
    CHECK(b.function.signal_msix(5) == Outcome::pending);
    CHECK(b.host.msis.empty());
    CHECK(b.pba() == (1u << 5));
    REQUIRE(write(b.function.bar_in(0), 0x8000 + 16 * 5 + 12, 4, 0).ok()); // unmask
    REQUIRE(b.host.msis.size() == 1);
    CHECK(b.host.msis[0].data == 0x55);
    CHECK(b.pba() == 0);
}

TEST_CASE("the function mask holds every vector pending", "[pcie][msix]") {
    MsixBench b;
    b.program(0, 0xFEE00000, 0x10, false);
    b.program(1, 0xFEE00000, 0x11, false);
    b.control(pcie::msix::kEnable | pcie::msix::kFunctionMask);
    CHECK(b.function.signal_msix(0) == Outcome::pending);
    CHECK(b.function.signal_msix(1) == Outcome::pending);
    CHECK(b.pba() == 0x3);
    b.control(pcie::msix::kEnable);
    CHECK(b.host.msis.size() == 2);
    CHECK(b.pba() == 0);
}

TEST_CASE("with MSI-X disabled nothing is sent; bad vectors are refused", "[pcie][msix]") {
    MsixBench b;
    b.program(0, 0xFEE00000, 0x10, false);
    CHECK(b.function.signal_msix(0) == Outcome::disabled);
    b.control(pcie::msix::kEnable);
    CHECK(b.function.signal_msix(8) == Outcome::invalid_vector);
    CHECK(b.host.msis.empty());
}

TEST_CASE("MSI-X needs Bus Master Enable", "[pcie][msix]") {
    MsixBench b;
    b.program(0, 0xFEE00000, 0x10, false);
    b.control(pcie::msix::kEnable);
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace);
    CHECK(b.function.signal_msix(0) == Outcome::blocked);
    CHECK(b.host.msis.empty());
    CHECK(b.function.counters().msi_blocked == 1);
}

TEST_CASE("table accesses must be aligned DWORDs or QWORDs; the PBA is read-only", "[pcie][msix]") {
    MsixBench b;
    CHECK_FALSE(write(b.function.bar_in(0), 0x8002, 2, 0xFFFF).ok());
    CHECK_FALSE(read(b.function.bar_in(0), 0x8004, 8).ok()); // QWORD not QWORD-aligned
    CHECK_FALSE(read(b.function.bar_in(0), 0x8001, 1).ok());
    b.program(2, 0xFEE00000, 0x22, true);
    b.control(pcie::msix::kEnable);
    b.function.signal_msix(2);
    CHECK(write(b.function.bar_in(0), 0x9000, 8, 0).ok()); // accepted but ignored
    CHECK(b.pba() == (1u << 2));
    // address bits 1:0 read as zero
    REQUIRE(write(b.function.bar_in(0), 0x8000, 4, 0xFEE00003).ok());
    CHECK(read(b.function.bar_in(0), 0x8000, 4).value == 0xFEE00000);
    CHECK(b.bar0.records.empty()); // none of this reached the register block
}
