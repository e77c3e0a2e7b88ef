// The bring-up test block (docs/test-block.md) inside the device: its DMA engine through the
// function's outbound path, and its completion interrupt, also for a refused request.
#include "device_fixture.h"
#include "models/test_block.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace tb = aie4sim::models::test_block;

namespace {
constexpr unsigned kVector = 2;
constexpr std::uint64_t kBuffer = 0x30000000;

void start(HostDriver& d, std::uint64_t block, std::uint32_t length, std::uint32_t control) {
    d.write32(block + tb::kRegDmaAddressLow, static_cast<std::uint32_t>(kBuffer));
    d.write32(block + tb::kRegDmaAddressHigh, 0);
    d.write32(block + tb::kRegDmaLength, length);
    d.write32(block + tb::kRegDmaPattern, 0xA000);
    d.write32(block + tb::kRegDmaControl, control | tb::kControlMsiOnDone | (kVector << 8));
}
} // namespace

TEST_CASE("the test block fills host memory and interrupts; a bad length interrupts with ERROR",
          "[models][testblock]") {
    DeviceBench b;
    std::uint32_t bad_status = 0, good_status = 0, count = 0, time_ns = 0;
    bool bad_interrupt = false, good_interrupt = false;
    std::uint32_t words[4] = {};
    b.run([&](HostDriver& d) {
        bring_up(d); // the PF with MSI-X enabled
        const std::uint64_t block = d.bar(0, 0) + tb::kBar0Offset;
        const auto timeout = sc_core::sc_time(1, sc_core::SC_MS);

        std::uint64_t seen = d.host().interrupts(0, kVector);
        start(d, block, 0, tb::kControlFill); // refused: nothing to move
        bad_interrupt = d.host().wait_interrupt(0, kVector, seen, timeout);
        bad_status = d.read32(block + tb::kRegDmaStatus);

        seen = d.host().interrupts(0, kVector);
        start(d, block, 4096, tb::kControlFill);
        good_interrupt = d.host().wait_interrupt(0, kVector, seen, timeout);
        good_status = d.read32(block + tb::kRegDmaStatus);
        count = d.read32(block + tb::kRegDmaCount);
        time_ns = d.read32(block + tb::kRegDmaTimeNs);
        d.host().memory().read(kBuffer + 4096 - sizeof words, words, sizeof words);
    });
    REQUIRE(b.failure.empty());
    CHECK(bad_interrupt);
    CHECK(bad_status == (tb::kStatusDone | tb::kStatusError));
    CHECK(good_interrupt);
    CHECK(good_status == tb::kStatusDone);
    CHECK(count == 1);                // the refused request is not counted
    CHECK(words[3] == 0xA000 + 1023); // the pattern: base + word index
    // The engine's 4096 bytes at 16 bytes/ns, then the PCIe posted write (pcie/link_timing.h).
    CHECK(time_ns == 4096 / 16 + 50);
}
