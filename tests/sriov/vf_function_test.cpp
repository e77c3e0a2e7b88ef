// VF existence, configuration requests by function, and VF/PF resets (SR-IOV 3.3.3, 3.4, 6.6).
#include "pcie/express_capability.h"
#include "sriov_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace cap = aie4sim::sriov::cap;
namespace reg = aie4sim::pcie::reg;
namespace ex = aie4sim::pcie::express;

TEST_CASE("VFs exist only while VF Enable is set, up to NumVFs", "[sriov][vf]") {
    EndpointBench b;
    CHECK_FALSE(b.cfg_read(1, 0, 4).ok());
    b.enable_vfs(2);
    CHECK(b.cfg_read(1, 0, 4).ok());
    CHECK(b.cfg_read(2, 0, 4).ok());
    CHECK_FALSE(b.cfg_read(3, 0, 4).ok());
    CHECK_FALSE(b.cfg_read(200, 0, 4).ok());
    b.set_sriov_reg(cap::kControl, 2, 0);
    CHECK_FALSE(b.cfg_read(1, 0, 4).ok());
}

TEST_CASE("a VF's configuration space is the SR-IOV one", "[sriov][vf]") {
    EndpointBench b;
    b.enable_vfs(1);
    CHECK(b.cfg(1, reg::kVendorId) == 0xFFFFFFFF);
    CHECK(b.cfg(1, reg::kRevisionId, 1) == 0x10);
    CHECK((b.cfg(1, 0x08) >> 8) == 0x118000); // the PF's class code
    CHECK(b.cfg(1, reg::kSubsystemVendorId, 2) == 0x1022);
    CHECK(b.cfg(1, reg::kSubsystemId, 2) == 0x0002);
    pcie::Function& vf = b.ep.vf(1);
    // own MSI-X capability and its own FLR
    REQUIRE(vf.msix_offset() != 0);
    CHECK((b.cfg(1, vf.msix_offset() + 2, 2) & 0x7FF) == 3);
    CHECK((b.cfg(1, vf.express_offset() + ex::kDeviceCapabilities) & ex::kDevCapFlr) != 0);
    CHECK(vf.power_management_offset() == 0);
    // no BARs of its own
    b.cfg_write(1, reg::kBar0, 4, 0xFFFFFFFF);
    CHECK(b.cfg(1, reg::kBar0) == 0);
    // its memory decode is the PF's VF MSE, not its Command register
    b.cfg_write(1, reg::kCommand, 2, reg::kCommandMemorySpace | reg::kCommandBusMaster);
    CHECK(b.cfg(1, reg::kCommand, 2) == reg::kCommandBusMaster);
    CHECK(vf.memory_enabled());
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlVfEnable);
    CHECK_FALSE(vf.memory_enabled());
}

TEST_CASE("a VF's FLR resets that VF only", "[sriov][vf][flr]") {
    EndpointBench b;
    b.enable_vfs(2);
    std::vector<pcie::ResetKind> vf1_resets;
    b.ep.vf(1).on_reset([&](pcie::ResetKind k) { vf1_resets.push_back(k); });
    b.cfg_write(1, reg::kCommand, 2, reg::kCommandBusMaster);
    b.cfg_write(2, reg::kCommand, 2, reg::kCommandBusMaster);
    const auto devctl =
        static_cast<std::uint16_t>(b.ep.vf(1).express_offset() + ex::kDeviceControl);
    b.cfg_write(1, devctl, 2, ex::kDevCtlInitiateFlr);
    REQUIRE(vf1_resets.size() == 1);
    CHECK(vf1_resets[0] == pcie::ResetKind::function_level);
    CHECK(b.cfg(1, reg::kCommand, 2) == 0);
    CHECK(b.cfg(2, reg::kCommand, 2) == reg::kCommandBusMaster);
    CHECK(b.ep.vf_present(1)); // an FLR does not remove the VF
}

TEST_CASE("clearing VF Enable resets the VFs and tells the device", "[sriov][vf]") {
    EndpointBench b;
    std::vector<std::pair<bool, unsigned>> changes;
    b.ep.on_vf_change([&](bool on, unsigned n) { changes.emplace_back(on, n); });
    int vf2_resets = 0;
    b.ep.vf(2).on_reset([&](pcie::ResetKind k) {
        CHECK(k == pcie::ResetKind::vf_disable);
        ++vf2_resets;
    });
    b.enable_vfs(3);
    b.cfg_write(2, reg::kCommand, 2, reg::kCommandBusMaster);
    b.set_sriov_reg(cap::kControl, 2, 0);
    REQUIRE(changes.size() == 2);
    CHECK(changes[0] == std::make_pair(true, 3u));
    CHECK(changes[1] == std::make_pair(false, 0u));
    CHECK(vf2_resets == 1);
    b.enable_vfs(3);
    CHECK(b.cfg(2, reg::kCommand, 2) == 0);
}

TEST_CASE("a PF FLR disables SR-IOV: the VFs go away", "[sriov][flr]") {
    EndpointBench b;
    std::vector<std::pair<bool, unsigned>> changes;
    b.ep.on_vf_change([&](bool on, unsigned n) { changes.emplace_back(on, n); });
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlAriCapableHierarchy);
    b.enable_vfs(4);
    const auto devctl = static_cast<std::uint16_t>(b.ep.pf().express_offset() + ex::kDeviceControl);
    b.cfg_write(0, devctl, 2, ex::kDevCtlInitiateFlr);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 0);
    CHECK((b.sriov_reg(cap::kControl, 2) & cap::kCtlVfEnable) == 0);
    CHECK((b.sriov_reg(cap::kControl, 2) & cap::kCtlAriCapableHierarchy) != 0);
    CHECK_FALSE(b.cfg_read(1, 0, 4).ok());
    REQUIRE(changes.size() == 2);
    CHECK(changes.back() == std::make_pair(false, 0u));
}

TEST_CASE("VF outbound traffic carries the VF's requester index", "[sriov][vf][dma]") {
    EndpointBench b;
    b.enable_vfs(3);
    b.cfg_write(3, reg::kCommand, 2, reg::kCommandBusMaster);
    CHECK(write(b.ep.vf(3).dma_in, 0x100, 4, 7).ok());
    REQUIRE(b.host.dmas.size() == 1);
    CHECK(b.host.dmas[0].function == 3);
    // VF2 never enabled bus mastering
    CHECK_FALSE(write(b.ep.vf(2).dma_in, 0x100, 4, 7).ok());
    CHECK(b.host.dmas.size() == 1);
}
