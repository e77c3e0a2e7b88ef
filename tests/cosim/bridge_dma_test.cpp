// DMA straight into guest RAM that QEMU shares (protocol 1.1: GUEST_RAM, DMA_MAP), its
// fallbacks to messages, and peers that speak only protocol 1.0: a fake QEMU on one end of a
// socketpair, the real device model and bridge on the other.
#include "fake_qemu.h"
#include "model_under_test.h"
#include "models/test_block.h"
#include "pcie/config_regs.h"
#include "pcie/msix.h"
#include "sriov/sriov_capability.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;
namespace tb = aie4sim::models::test_block;

namespace {

constexpr std::uint64_t kVfBar0 = ModelUnderTest::kVfBar0;
constexpr std::uint64_t kVf2Block = kVfBar0 + 0x10000 + tb::kBar0Offset;

// Enables two VFs, gives VF2 bus mastering and MSI-X vector 1. Empty, or what failed.
std::string enable_vf2(FakeQemu& q) {
    auto layout_reply = q.call(cosim::make_empty(A4S_LAYOUT));
    a4s_layout layout{};
    if (!layout_reply || !layout_reply->read_as(layout)) {
        return "layout";
    }
    const std::uint16_t sr = layout.sriov_offset;
    q.cfg_write(0, sr + cap::kVfBar0, 4, kVfBar0);
    q.cfg_write(0, sr + cap::kVfBar0 + 4, 4, 0);
    q.cfg_write(0, sr + cap::kNumVfs, 2, 2);
    if (!q.cfg_write(0, sr + cap::kControl, 2, cap::kCtlVfEnable | cap::kCtlVfMse)) {
        return "VF enable";
    }
    q.cfg_write(2, reg::kCommand, 2, reg::kCommandBusMaster);
    auto cap_at =
        static_cast<std::uint16_t>(q.cfg_read(2, reg::kCapabilitiesPointer, 1).value_or(0));
    while (cap_at != 0 && q.cfg_read(2, cap_at, 1).value_or(0) != reg::kCapMsix) {
        cap_at = static_cast<std::uint16_t>(q.cfg_read(2, cap_at + 1, 1).value_or(0));
    }
    if (cap_at == 0) {
        return "no MSI-X capability";
    }
    q.cfg_write(2, cap_at + 2, 2, pcie::msix::kEnable);
    const std::uint64_t table = kVfBar0 + 0x10000 + 0x8000 + 16;
    q.mmio_write(table, 0xFEE00000, 2);
    q.mmio_write(table + 8, 0x41, 2);
    q.mmio_write(table + 12, 0, 2);
    return {};
}

// VF2's test block fills `length` bytes at `address` with PATTERN + i and raises vector 1.
// Returns the block's status register once the MSI-X is in (nullopt if it never came).
std::optional<std::uint32_t> fill(FakeQemu& q, std::uint32_t address, std::uint32_t length,
                                  std::uint32_t pattern) {
    const std::size_t msis_before = q.msis.size();
    q.mmio_write(kVf2Block + tb::kRegDmaAddressLow, address, 2);
    q.mmio_write(kVf2Block + tb::kRegDmaAddressHigh, 0, 2);
    q.mmio_write(kVf2Block + tb::kRegDmaLength, length, 2);
    q.mmio_write(kVf2Block + tb::kRegDmaPattern, pattern, 2);
    q.mmio_write(kVf2Block + tb::kRegDmaControl,
                 tb::kControlFill | tb::kControlMsiOnDone | (1u << 8), 2);
    if (!q.pump_until([&] { return q.msis.size() > msis_before; }, std::chrono::seconds(5))) {
        return std::nullopt;
    }
    return q.mmio_read(kVf2Block + tb::kRegDmaStatus, 2);
}

bool pattern_at(FakeQemu& q, std::uint32_t address, std::uint32_t length, std::uint32_t pattern) {
    for (std::uint32_t i = 0; i < length / 4; ++i) {
        std::uint32_t w = 0;
        std::memcpy(&w, &q.ram[address + 4 * i], 4);
        if (w != pattern + i) {
            return false;
        }
    }
    return true;
}

struct Outcome {
    std::string failure;
    std::optional<std::uint32_t> status;
    bool data_ok = false;
    unsigned dma_messages = 0;
    unsigned dma_maps = 0;
};

// One fill of 16 KiB at 0x1000 under `mode`, with or without shared RAM.
Outcome run_fill(ModelUnderTest& model, FakeQemu::HelloOptions hello, MapMode mode) {
    Outcome out;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        q.map_mode = mode;
        if (!q.hello(hello)) {
            out.failure = "handshake";
        } else if (std::string why = enable_vf2(q); !why.empty()) {
            out.failure = why;
        } else {
            out.status = fill(q, 0x1000, 0x4000, 0x7000);
            out.data_ok = pattern_at(q, 0x1000, 0x4000, 0x7000);
        }
        out.dma_messages = q.dma_messages;
        out.dma_maps = q.dma_maps;
        q.link->say_goodbye("test done");
    });
    model.serve();
    client.join();
    return out;
}

} // namespace

TEST_CASE("with guest RAM shared, a DMA is a copy into it after one translation",
          "[cosim][bridge][dma]") {
    ModelUnderTest model;
    const Outcome o = run_fill(model, {true, false}, MapMode::identity);
    INFO(o.failure);
    REQUIRE(o.failure.empty());
    CHECK(o.status == tb::kStatusDone);
    CHECK(o.data_ok);
    CHECK(o.dma_maps == 1);     // 16 KiB: one DMA_MAP ...
    CHECK(o.dma_messages == 0); // ... and no DMA_WRITE
    CHECK(model.bridge.counters().dma_direct_bytes == 0x4000);
    CHECK(model.bridge.counters().dma_writes == 1);
}

TEST_CASE("without shared guest RAM, or with it switched off, DMA goes by messages",
          "[cosim][bridge][dma]") {
    SECTION("QEMU does not share its RAM") {
        ModelUnderTest model;
        const Outcome o = run_fill(model, {false, false}, MapMode::identity);
        REQUIRE(o.failure.empty());
        CHECK(o.data_ok);
        CHECK(o.dma_maps == 0);
        CHECK(o.dma_messages == 1);
        CHECK(model.bridge.counters().dma_direct_bytes == 0);
    }
    SECTION("the model is told not to use it") {
        cosim::BridgeOptions options = ModelUnderTest::options();
        options.dma_direct = false;
        ModelUnderTest model(options);
        const Outcome o = run_fill(model, {true, false}, MapMode::identity);
        REQUIRE(o.failure.empty());
        CHECK(o.data_ok);
        CHECK(o.dma_maps == 0);
        CHECK(model.bridge.counters().dma_direct_bytes == 0);
    }
}

TEST_CASE("a part of a DMA that is not shared RAM goes by messages, the rest is copied",
          "[cosim][bridge][dma]") {
    ModelUnderTest model;
    const Outcome o = run_fill(model, {true, false}, MapMode::hole);
    REQUIRE(o.failure.empty());
    CHECK(o.status == tb::kStatusDone);
    CHECK(o.data_ok);           // both parts landed
    CHECK(o.dma_messages == 1); // the 4 KiB hole
    CHECK(model.bridge.counters().dma_direct_bytes == 0x3000);
    CHECK(model.bridge.counters().malformed == 0);
}

TEST_CASE("a DMA_MAP reply that points outside the shared RAM is not trusted",
          "[cosim][bridge][dma]") {
    ModelUnderTest model;
    const Outcome o = run_fill(model, {true, false}, MapMode::out_of_bounds);
    REQUIRE(o.failure.empty());
    CHECK(o.status == tb::kStatusDone); // carried by messages instead, nothing lost
    CHECK(o.data_ok);
    CHECK(o.dma_messages >= 1);
    CHECK(model.bridge.counters().dma_direct_bytes == 0);
    CHECK(model.bridge.counters().malformed >= 1);
}

TEST_CASE("a failed translation fails the DMA, as an IOMMU fault would", "[cosim][bridge][dma]") {
    ModelUnderTest model;
    const Outcome o = run_fill(model, {true, false}, MapMode::fault);
    REQUIRE(o.failure.empty());
    CHECK(o.status == (tb::kStatusDone | tb::kStatusError));
    CHECK_FALSE(o.data_ok);
    CHECK(o.dma_messages == 0);
    CHECK(model.bridge.counters().dma_writes == 0);
}

TEST_CASE("a peer that ignores the presence blocks is woken by socket kicks",
          "[cosim][bridge][wait]") {
    ModelUnderTest model;
    bool ok = false;
    cosim::Link::Counters counters;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello({false, true})) {
            return;
        }
        ok = true;
        for (int i = 0; i < 5 && ok; ++i) {
            // Idle long enough for the model to go to sleep, then call it.
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            ok = q.cfg_read(0, reg::kVendorId) == 0x17F21022u;
        }
        counters = q.link->counters();
        q.link->say_goodbye("test done");
    });
    const int status = model.serve();
    client.join();
    CHECK(ok);
    CHECK(status == 0);
    CHECK(counters.kicks_sent >= 5); // the model slept on its socket, not on a futex
}

TEST_CASE("a peer older than the 1.2 ring format gets no rings and is served over the socket",
          "[cosim][bridge]") {
    ModelUnderTest model;
    bool ok = false;
    bool rings = true;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        FakeQemu::HelloOptions old_peer;
        old_peer.minor = 1;
        if (!q.hello(old_peer)) {
            return;
        }
        rings = q.link->shared_memory();
        ok = q.cfg_read(0, reg::kVendorId) == 0x17F21022u;
        q.link->say_goodbye("test done");
    });
    const int status = model.serve();
    client.join();
    CHECK(ok);
    CHECK_FALSE(rings);
    CHECK(status == 0);
}
