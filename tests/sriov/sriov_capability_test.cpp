// The SR-IOV extended capability's registers (SR-IOV 1.1, section 3.3).
#include "sriov_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace cap = aie4sim::sriov::cap;

TEST_CASE("the SR-IOV capability follows ARI in the extended list", "[sriov]") {
    EndpointBench b;
    const std::uint32_t ari = b.cfg(0, 0x100);
    CHECK((ari & 0xFFFF) == pcie::reg::kExtCapAri);
    CHECK((ari >> 20) == b.cap);
    const std::uint32_t header = b.cfg(0, b.cap);
    CHECK((header & 0xFFFF) == 0x0010);
    CHECK(((header >> 16) & 0xF) == 1);
    CHECK((header >> 20) == 0); // last in the list
}

TEST_CASE("identity and limits: TotalVFs, InitialVFs, VF Device ID, page sizes", "[sriov]") {
    EndpointBench b(sample_sriov(16));
    CHECK(b.sriov_reg(cap::kTotalVfs, 2) == 16);
    CHECK(b.sriov_reg(cap::kInitialVfs, 2) == 16);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 0);
    CHECK(b.sriov_reg(cap::kVfDeviceId, 2) == 0x17F3);
    CHECK(b.sriov_reg(cap::kSupportedPageSizes, 4) == 0x553);
    CHECK(b.sriov_reg(cap::kSystemPageSize, 4) == 1);
    CHECK(b.sriov_reg(cap::kFirstVfOffset, 2) == 1);
    CHECK(b.sriov_reg(cap::kVfStride, 2) == 1);
    b.set_sriov_reg(cap::kTotalVfs, 2, 3);
    b.set_sriov_reg(cap::kVfDeviceId, 2, 0);
    CHECK(b.sriov_reg(cap::kTotalVfs, 2) == 16);
    CHECK(b.sriov_reg(cap::kVfDeviceId, 2) == 0x17F3);
}

TEST_CASE("NumVFs above TotalVFs is refused", "[sriov]") {
    EndpointBench b;
    b.set_sriov_reg(cap::kNumVfs, 2, 5);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 0);
    b.set_sriov_reg(cap::kNumVfs, 2, 0xFFFF);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 0);
    b.set_sriov_reg(cap::kNumVfs, 2, 4);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 4);
}

TEST_CASE("NumVFs cannot change while VF Enable is set", "[sriov]") {
    EndpointBench b;
    b.enable_vfs(2);
    b.set_sriov_reg(cap::kNumVfs, 2, 3);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 2);
    CHECK(b.ep.vf_present(2));
    CHECK_FALSE(b.ep.vf_present(3));
    b.set_sriov_reg(cap::kControl, 2, 0);
    b.set_sriov_reg(cap::kNumVfs, 2, 3);
    CHECK(b.sriov_reg(cap::kNumVfs, 2) == 3);
}

TEST_CASE("First VF Offset and VF Stride follow ARI Capable Hierarchy", "[sriov]") {
    EndpointBench b;
    b.set_sriov_reg(cap::kNumVfs, 2, 4);
    CHECK(b.sriov_reg(cap::kFirstVfOffset, 2) == 1);
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlAriCapableHierarchy);
    CHECK(b.sriov_reg(cap::kFirstVfOffset, 2) == 2);
    CHECK(b.sriov_reg(cap::kVfStride, 2) == 2);
    b.set_sriov_reg(cap::kControl, 2,
                    cap::kCtlAriCapableHierarchy | cap::kCtlVfEnable | cap::kCtlVfMse);
    CHECK(b.ep.function_at_routing_offset(2) == 1u);
    CHECK(b.ep.function_at_routing_offset(8) == 4u);
    CHECK_FALSE(b.ep.function_at_routing_offset(3).has_value());
    // ARI Capable Hierarchy is frozen while VF Enable is set
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlVfEnable | cap::kCtlVfMse);
    CHECK((b.sriov_reg(cap::kControl, 2) & cap::kCtlAriCapableHierarchy) != 0);
}

TEST_CASE("System Page Size takes one supported size while VFs are disabled", "[sriov]") {
    EndpointBench b;
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x3); // two bits: refused
    CHECK(b.sriov_reg(cap::kSystemPageSize, 4) == 1);
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x4); // 16 KiB: not supported by 0x553
    CHECK(b.sriov_reg(cap::kSystemPageSize, 4) == 1);
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x10); // 64 KiB: supported
    CHECK(b.sriov_reg(cap::kSystemPageSize, 4) == 0x10);
    CHECK(b.ep.sriov().system_page_size() == 0x10000);
    b.enable_vfs(1);
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x1);
    CHECK(b.sriov_reg(cap::kSystemPageSize, 4) == 0x10);
}

TEST_CASE("VF BARs size like BARs, at least one System Page", "[sriov]") {
    EndpointBench b;
    const auto bar0 = static_cast<std::uint16_t>(cap::kVfBar0);
    b.set_sriov_reg(bar0, 4, 0xFFFFFFFF);
    b.set_sriov_reg(bar0 + 4, 4, 0xFFFFFFFF);
    CHECK(b.sriov_reg(bar0, 4) == (0xFFFFC000u | pcie::reg::kBarMemType64)); // 16 KiB
    CHECK(b.sriov_reg(bar0 + 4, 4) == 0xFFFFFFFF);
    b.set_sriov_reg(bar0 + 8, 4, 0xFFFFFFFF);
    CHECK(b.sriov_reg(bar0 + 8, 4) == (0xFFF80000u | pcie::reg::kBarMemType64)); // 512 KiB
    b.set_sriov_reg(bar0 + 16, 4, 0xFFFFFFFF); // VF BAR4: not implemented
    CHECK(b.sriov_reg(bar0 + 16, 4) == 0);
    // with 64 KiB pages the 16 KiB VF BAR0 takes 64 KiB per VF
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x10);
    b.set_sriov_reg(bar0, 4, 0xFFFFFFFF);
    CHECK(b.sriov_reg(bar0, 4) == (0xFFFF0000u | pcie::reg::kBarMemType64));
    CHECK(b.ep.sriov().vf_bar_size(0) == 0x10000);
}

TEST_CASE("VF migration is not supported: its controls read as zero", "[sriov]") {
    EndpointBench b;
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlVfMigrationEnable | (1u << 2));
    CHECK(b.sriov_reg(cap::kControl, 2) == 0);
    CHECK((b.sriov_reg(cap::kCapabilities, 4) & 1) == 0);
    CHECK(b.sriov_reg(cap::kMigrationStateArray, 4) == 0);
}
