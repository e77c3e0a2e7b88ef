// Capability list and the PCIe, PM and ARI capabilities (PCIe 7.5.3, 7.5.2, 7.8.8).
#include "pcie/express_capability.h"
#include "pcie/power_management.h"
#include "pcie_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace ex = aie4sim::pcie::express;

TEST_CASE("the capability list holds PM, PCIe and MSI-X, and ends", "[pcie][cap]") {
    FunctionBench b;
    const auto pm = b.find_capability(reg::kCapPowerManagement);
    const auto express = b.find_capability(reg::kCapExpress);
    const auto msix = b.find_capability(reg::kCapMsix);
    CHECK(pm >= 0x40);
    CHECK(express >= 0x40);
    CHECK(msix >= 0x40);
    CHECK(pm % 4 == 0);
    CHECK(b.find_capability(0x05) == 0); // no MSI
    // the list is read-only: a write to a next pointer changes nothing
    b.cfg_write(pm + 1, 1, 0);
    CHECK(b.find_capability(reg::kCapMsix) == msix);
}

TEST_CASE("PCIe capability: endpoint, version 2, FLR capable", "[pcie][cap]") {
    FunctionBench b;
    const auto e = b.find_capability(reg::kCapExpress);
    const auto caps = b.cfg(e + ex::kCapabilities, 2);
    CHECK((caps & 0xF) == 2);        // capability version
    CHECK(((caps >> 4) & 0xF) == 0); // PCI Express Endpoint
    const auto devcap = b.cfg(e + ex::kDeviceCapabilities);
    CHECK((devcap & ex::kDevCapFlr) != 0);
    CHECK((devcap & (1u << 15)) != 0); // Role-Based Error Reporting
    CHECK((devcap & 7) == 2);          // 512-byte max payload supported
}

TEST_CASE("a function built without FLR does not advertise or perform it", "[pcie][cap]") {
    auto config = sample_function_config();
    config.flr = false;
    FunctionBench b(config);
    const auto e = b.find_capability(reg::kCapExpress);
    CHECK((b.cfg(e + ex::kDeviceCapabilities) & ex::kDevCapFlr) == 0);
    b.cfg_write(reg::kCommand, 2, reg::kCommandBusMaster);
    b.cfg_write(e + ex::kDeviceControl, 2, ex::kDevCtlInitiateFlr);
    CHECK(b.cfg(reg::kCommand, 2) == reg::kCommandBusMaster);
    CHECK(b.function.counters().resets == 0);
}

TEST_CASE("Device Status error bits are RW1C and record unsupported requests", "[pcie][cap]") {
    FunctionBench b;
    const auto e = b.find_capability(reg::kCapExpress);
    CHECK((b.cfg(e + ex::kDeviceStatus, 2) & ex::kDevStaUnsupportedRequest) == 0);
    CHECK_FALSE(read(b.function.bar_in(0), 0, 4).ok()); // memory space disabled
    CHECK((b.cfg(e + ex::kDeviceStatus, 2) & ex::kDevStaUnsupportedRequest) != 0);
    b.cfg_write(e + ex::kDeviceStatus, 2, ex::kDevStaUnsupportedRequest);
    CHECK((b.cfg(e + ex::kDeviceStatus, 2) & ex::kDevStaUnsupportedRequest) == 0);
}

TEST_CASE("Link registers report the configured speed and width", "[pcie][cap]") {
    auto config = sample_function_config();
    config.link = {3, 8};
    FunctionBench b(config);
    const auto e = b.find_capability(reg::kCapExpress);
    CHECK((b.cfg(e + ex::kLinkCapabilities) & 0x3FF) == (3u | (8u << 4)));
    CHECK((b.cfg(e + ex::kLinkStatus, 2) & 0x3FF) == (3u | (8u << 4)));
    CHECK((b.cfg(e + ex::kLinkCapabilities2) & 0xFE) == 0x0E); // 2.5, 5 and 8 GT/s
}

TEST_CASE("Power management: D0 and D3hot only; D3hot stops memory decode", "[pcie][cap][pm]") {
    FunctionBench b;
    const auto pm = b.find_capability(reg::kCapPowerManagement);
    const auto csr = static_cast<std::uint16_t>(pm + aie4sim::pcie::pm::kControlStatus);
    CHECK((b.cfg(csr, 2) & 3) == 0);
    CHECK((b.cfg(csr, 2) & (1u << 3)) != 0); // No_Soft_Reset
    b.cfg_write(csr, 2, 1);                  // D1 is not supported: ignored
    CHECK((b.cfg(csr, 2) & 3) == 0);
    b.cfg_write(reg::kCommand, 2, reg::kCommandMemorySpace);
    b.cfg_write(csr, 2, 3);
    CHECK((b.cfg(csr, 2) & 3) == 3);
    CHECK_FALSE(read(b.function.bar_in(0), 0x40, 4).ok());
    b.cfg_write(csr, 2, 0);
    CHECK(read(b.function.bar_in(0), 0x40, 4).ok());
    CHECK(b.cfg(reg::kCommand, 2) == reg::kCommandMemorySpace); // no soft reset
}

TEST_CASE("ARI capability sits in the extended list when enabled", "[pcie][cap]") {
    auto config = sample_function_config();
    config.ari = true;
    FunctionBench b(config);
    const auto ari = b.find_extended(reg::kExtCapAri);
    REQUIRE(ari == 0x100);
    CHECK(((b.cfg(ari) >> 16) & 0xF) == 1);        // version
    CHECK(((b.cfg(ari + 4, 2) >> 8) & 0xFF) == 0); // next function number
    FunctionBench plain;
    CHECK(plain.find_extended(reg::kExtCapAri) == 0);
}
