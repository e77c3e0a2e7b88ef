// VF BAR decoding: an address inside VF BARn's aperture resolves to (VF, BAR, offset) and
// reaches that VF's register block (SR-IOV 3.3.14: VF n's BAR is at VF BARn + (n-1) * size).
#include "sriov_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace cap = aie4sim::sriov::cap;
namespace reg = aie4sim::pcie::reg;

namespace {

constexpr std::uint64_t kVfBar0Base = 0xC0000000;
constexpr std::uint64_t kVfBar2Base = 0x2000000000ull;

void program_vf_bars(EndpointBench& b) {
    b.set_sriov_reg(cap::kVfBar0, 4, kVfBar0Base & 0xFFFFFFFF);
    b.set_sriov_reg(cap::kVfBar0 + 4, 4, kVfBar0Base >> 32);
    b.set_sriov_reg(cap::kVfBar0 + 8, 4, kVfBar2Base & 0xFFFFFFFF);
    b.set_sriov_reg(cap::kVfBar0 + 12, 4, kVfBar2Base >> 32);
}

} // namespace

TEST_CASE("each VF's slice of each VF BAR aperture reaches that VF", "[sriov][decode]") {
    EndpointBench b;
    program_vf_bars(b);
    b.enable_vfs(4);
    for (unsigned vf = 1; vf <= 4; ++vf) {
        const std::uint64_t a0 = kVfBar0Base + (vf - 1) * 0x4000ULL + 0x10;
        const std::uint64_t a2 = kVfBar2Base + (vf - 1) * 0x80000ULL + 0x1000 + vf * 4ULL;
        REQUIRE(write(b.ep.mem_in, a0, 4, 0x1000 + vf).ok());
        REQUIRE(write(b.ep.mem_in, a2, 4, 0x2000 + vf).ok());
        auto route = b.ep.route(a2, 4);
        REQUIRE(route.has_value());
        CHECK(route->function == vf);
        CHECK(route->bar == 2);
    }
    for (unsigned vf = 1; vf <= 4; ++vf) {
        RecordingTarget& r0 = b.block(vf, 0);
        REQUIRE(r0.records.size() == 1);
        CHECK(r0.records[0].offset == 0x10);
        RecordingTarget& r2 = b.block(vf, 2);
        REQUIRE(r2.records.size() == 1);
        CHECK(r2.records[0].offset == 0x1000 + vf * 4);
        CHECK(
            read(b.ep.mem_in, kVfBar2Base + (vf - 1) * 0x80000ULL + 0x1000 + vf * 4ULL, 4).value ==
            0x2000 + vf);
    }
    CHECK(b.block(0, 0).records.empty()); // nothing went to the PF
}

TEST_CASE("addresses outside every enabled aperture complete with an error", "[sriov][decode]") {
    EndpointBench b;
    program_vf_bars(b);
    b.enable_vfs(2);
    // beyond NumVFs' slices of the aperture
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base + 2ULL * 0x4000, 4).ok());
    // below the aperture, and an access straddling two VFs' slices
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base - 4, 4).ok());
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base + 0x3FFC, 8).ok());
    // VF MSE clear: no VF decodes
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlVfEnable);
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base + 0x10, 4).ok());
    // VFs disabled
    b.set_sriov_reg(cap::kControl, 2, cap::kCtlVfMse);
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base + 0x10, 4).ok());
    for (unsigned vf = 1; vf <= 4; ++vf) {
        CHECK(b.block(vf, 0).records.empty());
    }
}

TEST_CASE("PF BARs decode with the PF's Memory Space Enable", "[sriov][decode]") {
    EndpointBench b;
    b.cfg_write(0, reg::kBar0, 4, 0xFE000000);
    b.cfg_write(0, reg::kBar0 + 4, 4, 0);
    CHECK_FALSE(read(b.ep.mem_in, 0xFE000020, 4).ok());
    b.cfg_write(0, reg::kCommand, 2, reg::kCommandMemorySpace);
    CHECK(read(b.ep.mem_in, 0xFE000020, 4).ok());
    REQUIRE(b.block(0, 0).records.size() == 1);
    CHECK(b.block(0, 0).records[0].offset == 0x20);
}

TEST_CASE("VF BAR decode follows a larger System Page Size", "[sriov][decode]") {
    EndpointBench b;
    b.set_sriov_reg(cap::kSystemPageSize, 4, 0x10); // 64 KiB: each VF's BAR0 slice is 64 KiB
    program_vf_bars(b);
    b.enable_vfs(2);
    CHECK(write(b.ep.mem_in, kVfBar0Base + 0x10000 + 8, 4, 1).ok());
    REQUIRE(b.block(2, 0).records.size() == 1);
    CHECK(b.block(2, 0).records[0].offset == 8);
    // inside VF1's 64 KiB slice but past its 16 KiB of registers
    CHECK_FALSE(read(b.ep.mem_in, kVfBar0Base + 0x8000, 4).ok());
}

TEST_CASE("a VF's MSI-X table lives in its own BAR", "[sriov][decode][msix]") {
    EndpointBench b;
    program_vf_bars(b);
    b.enable_vfs(2);
    b.cfg_write(2, reg::kCommand, 2, reg::kCommandBusMaster);
    const std::uint16_t msix = b.ep.vf(2).msix_offset();
    b.cfg_write(2, msix + 2, 2, 0x8000); // MSI-X Enable
    const std::uint64_t table = kVfBar0Base + 0x4000 + 0x2000 + 16ULL * 1;
    REQUIRE(write(b.ep.mem_in, table, 8, 0xFEE00000).ok());
    REQUIRE(write(b.ep.mem_in, table + 8, 4, 0x31).ok());
    REQUIRE(write(b.ep.mem_in, table + 12, 4, 0).ok());
    CHECK(b.ep.vf(2).signal_msix(1) == pcie::MsixController::Outcome::sent);
    REQUIRE(b.host.msis.size() == 1);
    CHECK(b.host.msis[0].function == 2);
    CHECK(b.host.msis[0].data == 0x31);
    CHECK(b.block(2, 0).records.empty());
}
