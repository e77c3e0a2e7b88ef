// Function Level Reset (PCIe 6.6.2) and outbound traffic gated by Bus Master Enable.
#include "pcie/express_capability.h"
#include "pcie_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace ex = aie4sim::pcie::express;

TEST_CASE("Initiate FLR resets the function's registers and tells the device", "[pcie][flr]") {
    FunctionBench b;
    std::vector<pcie::ResetKind> resets;
    b.function.on_reset([&](pcie::ResetKind k) { resets.push_back(k); });
    const auto e = b.find_capability(reg::kCapExpress);
    const auto msix = b.find_capability(reg::kCapMsix);
    b.cfg_write(reg::kBar0, 4, 0xFE000000);
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace | reg::kCommandBusMaster);
    b.cfg_write(msix + 2, 2, pcie::msix::kEnable);
    REQUIRE(write(b.function.bar_in(0), 0x8000, 4, 0xFEE00000).ok());
    b.cfg_write(e + ex::kDeviceControl, 2, (2u << 5) | (5u << 12)); // MPS 512, MRRS 4096
    b.cfg_write(reg::kInterruptLine, 1, 0x11);

    b.cfg_write(e + ex::kDeviceControl, 2,
                b.cfg(e + ex::kDeviceControl, 2) | ex::kDevCtlInitiateFlr);

    REQUIRE(resets.size() == 1);
    CHECK(resets[0] == pcie::ResetKind::function_level);
    CHECK(b.cfg(reg::kCommand, 2) == 0);
    CHECK(b.cfg(reg::kBar0) == 0);
    CHECK(b.cfg(reg::kInterruptLine, 1) == 0);
    CHECK((b.cfg(msix + 2, 2) & pcie::msix::kEnable) == 0);
    const auto devctl = b.cfg(e + ex::kDeviceControl, 2);
    CHECK((devctl & ex::kDevCtlInitiateFlr) == 0); // always reads 0
    CHECK(((devctl >> 5) & 7) == 2);               // Max_Payload_Size survives an FLR
    CHECK(((devctl >> 12) & 7) == 2);              // MRRS back to its default (512 B)
    // the MSI-X table is back to masked entries
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace);
    CHECK(read(b.function.bar_in(0), 0x8000, 4).value == 0);
    CHECK(read(b.function.bar_in(0), 0x800C, 4).value == 1);
}

TEST_CASE("a VF performs its own FLR", "[pcie][flr][vf]") {
    FunctionBench b(sample_function_config(), pcie::FunctionKind::virtual_function);
    int resets = 0;
    b.function.on_reset([&](pcie::ResetKind) { ++resets; });
    const auto e = b.find_capability(reg::kCapExpress);
    CHECK((b.cfg(e + ex::kDeviceCapabilities) & ex::kDevCapFlr) != 0);
    b.cfg_write(reg::kCommand, 2, reg::kCommandBusMaster);
    b.cfg_write(e + ex::kDeviceControl, 2, ex::kDevCtlInitiateFlr);
    CHECK(resets == 1);
    CHECK(b.cfg(reg::kCommand, 2) == 0);
}

TEST_CASE("DMA is blocked, and reported, while Bus Master Enable is clear", "[pcie][dma]") {
    FunctionBench b;
    CHECK_FALSE(write(b.function.dma_in, 0x1000, 4, 0xAA).ok());
    CHECK(b.host.dmas.empty());
    CHECK(b.function.counters().dma_blocked == 1);
    b.cfg_write(reg::kCommand, 2, reg::kCommandBusMaster);
    CHECK(write(b.function.dma_in, 0x1000, 4, 0xAA).ok());
    REQUIRE(b.host.dmas.size() == 1);
    CHECK(b.host.dmas[0].function == 0);
    CHECK(b.host.ram[0x1000] == 0xAA);
    CHECK(read(b.function.dma_in, 0x1000, 4).value == 0xAA);
}

TEST_CASE("a DMA the host rejects is a failure the device sees", "[pcie][dma]") {
    FunctionBench b;
    b.cfg_write(reg::kCommand, 2, reg::kCommandBusMaster);
    CHECK_FALSE(read(b.function.dma_in, 0x10000000, 4).ok());
    CHECK(b.function.counters().dma_failed == 1);
}
