// The PF's firmware: SMU and PSP handshakes, boot, the work buffer, CREATE_VFS/DESTROY_VFS.
#include "device_fixture.h"
#include "models/firmware/psp.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace mgmt = aie4sim::models::mgmt;

TEST_CASE("the PF boots as the driver drives it: SMU, PSP, mailbox, work buffer", "[firmware]") {
    DeviceBench b;
    sc_core::sc_time booted;
    b.run([&](HostDriver& d) {
        bring_up(d);
        booted = sc_core::sc_time_stamp();
    });
    REQUIRE(b.failure.empty());
    const auto& s = b.device.firmware().status();
    CHECK(s.powered);
    CHECK(s.firmware_validated);
    CHECK(s.certificate_validated);
    CHECK(s.running);
    CHECK(s.work_buffer == HostDriver::kWorkBuffer);
    CHECK(s.work_buffer_size == (4u << 20));
    // The firmware wrote its header into the work buffer by DMA.
    char header[29] = {};
    b.host.memory().read(HostDriver::kWorkBuffer, header, 28);
    CHECK(std::string(header) == "aie4sim firmware work buffer");
    // mailbox_info as the 7.3.4 driver needs it
    auto& sram = b.device.sram(0);
    CHECK(sram.read32(mgmt::info::kValid) == 1);
    CHECK(sram.read32(mgmt::info::kProtocolMajor) == 5);
    CHECK(sram.read32(mgmt::info::kProtocolMinor) >= 10);
    const std::uint32_t size = sram.read32(mgmt::info::kX2iBufferSize);
    CHECK((size & (size - 1)) == 0);
    CHECK(sram.read32(mgmt::info::kI2xMsiIdx) == 0);
    CHECK(booted > sc_core::sc_time(200, sc_core::SC_US)); // the boot takes simulated time
}

TEST_CASE("PSP: an image without the aie4sim header is refused and nothing boots", "[firmware]") {
    DeviceBench b;
    std::uint32_t response = 0;
    b.run([&](HostDriver& d) {
        d.enumerate();
        const std::uint64_t psp = d.bar(0, 4);
        const std::uint64_t smu = d.bar(0, 5);
        d.write32(smu + 0x9EC, 3); // POWER_ON
        d.write32(smu + 0x000, 1);
        std::vector<std::uint8_t> junk(64 << 10, 0x5A);
        d.host().memory().write(0x3000000, junk.data(), junk.size());
        d.write32(psp + models::psp::kArg0Response, 0x3000000);
        d.write32(psp + models::psp::kArg1, 0);
        d.write32(psp + models::psp::kCommandStatus, (1u << 24) | (64u << 10));
        d.write32(psp + models::psp::kDoorbell, models::psp::kKick);
        wait(sc_core::sc_time(1, sc_core::SC_MS));
        response = d.read32(psp + models::psp::kArg0Response);
        // START now: bad state, the firmware was not validated
        d.write32(psp + models::psp::kCommandStatus, 2u << 24);
        d.write32(psp + models::psp::kDoorbell, models::psp::kKick);
        wait(sc_core::sc_time(1, sc_core::SC_MS));
        CHECK(d.read32(psp + models::psp::kArg0Response) == models::kPspBadState);
        CHECK((d.read32(psp + models::psp::kCommandStatus) & models::psp::kReady) != 0);
    });
    REQUIRE(b.failure.empty());
    CHECK(response == models::kPspBadImage);
    CHECK_FALSE(b.device.firmware().status().running);
    CHECK(b.device.sram(0).read32(mgmt::info::kValid) == 0);
}

TEST_CASE("PSP commands before SMU POWER_ON are refused", "[firmware]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        d.enumerate();
        const std::uint64_t psp = d.bar(0, 4);
        d.write32(psp + models::psp::kCommandStatus, 2u << 24);
        d.write32(psp + models::psp::kDoorbell, models::psp::kKick);
        wait(sc_core::sc_time(1, sc_core::SC_MS));
        CHECK(d.read32(psp + models::psp::kArg0Response) == models::kPspBadState);
    });
    REQUIRE(b.failure.empty());
}

TEST_CASE("CREATE_VFS publishes every VF's mailbox before replying", "[firmware][sriov]") {
    DeviceBench b;
    std::vector<std::uint32_t> valid_at_reply;
    b.run([&](HostDriver& d) {
        bring_up(d);
        const auto r = d.call(0, mgmt::kCreateVfs, words({3}), 4);
        CHECK(r.status == 0);
        for (unsigned vf = 1; vf <= 4; ++vf) {
            valid_at_reply.push_back(b.device.sram(vf).read32(mgmt::info::kValid));
        }
    });
    REQUIRE(b.failure.empty());
    CHECK(valid_at_reply == std::vector<std::uint32_t>{1, 1, 1, 0});
    CHECK(b.device.firmware().status().vfs == 3);
}

TEST_CASE("CREATE_VFS is refused above TotalVFs, or when VFs exist", "[firmware][sriov]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d);
        CHECK(d.call(0, mgmt::kCreateVfs, words({5}), 4).status == mgmt::kError);
        CHECK(d.call(0, mgmt::kCreateVfs, words({0}), 4).status == mgmt::kError);
        CHECK(d.call(0, mgmt::kCreateVfs, words({2}), 4).status == 0);
        CHECK(d.call(0, mgmt::kCreateVfs, words({2}), 4).status == mgmt::kError);
        CHECK(d.call(0, mgmt::kDestroyVfs, words({0}), 4).status == 0);
        CHECK(b.device.sram(1).read32(mgmt::info::kValid) == 0);
        CHECK(d.call(0, mgmt::kCreateVfs, words({4}), 4).status == 0); // again after destroy
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.firmware().status().vfs == 4);
}

TEST_CASE("unload: SUSPEND, RELEASE_TMR and POWER_OFF stop everything", "[firmware]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 2);
        d.disable_vfs();
        CHECK(d.call(0, mgmt::kSuspend, words({0}), 4).status == 0);
        const std::uint64_t psp = d.bar(0, 4);
        d.write32(psp + models::psp::kCommandStatus, 3u << 24);
        d.write32(psp + models::psp::kDoorbell, models::psp::kKick);
        wait(sc_core::sc_time(1, sc_core::SC_MS));
        CHECK(d.read32(psp + models::psp::kArg0Response) == 0);
    });
    REQUIRE(b.failure.empty());
    CHECK_FALSE(b.device.firmware().status().running);
    CHECK(b.device.firmware().status().vfs == 0);
    CHECK(b.device.sram(0).read32(mgmt::info::kValid) == 0);
}
