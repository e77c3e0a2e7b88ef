// The model's side of the co-simulation, end to end in one process: a fake QEMU on one end of
// a socketpair, the real device model and bridge on the other.
#include "cosim/bridge/bridge.h"
#include "fake_qemu.h"
#include "model_under_test.h"
#include "models/aie4_device.h"
#include "models/test_block.h"
#include "pcie/config_regs.h"
#include "pcie/msix.h"
#include "sriov/sriov_capability.h"

#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;
namespace tb = aie4sim::models::test_block;

namespace {
constexpr std::uint64_t kVfBar0 = aie4sim::testing::ModelUnderTest::kVfBar0;
} // namespace

TEST_CASE("a QEMU peer enables VFs, reaches each VF's registers, and gets DMA and MSI-X",
          "[cosim][bridge]") {
    ModelUnderTest model;
    bool client_ok = false;
    std::string failure;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        auto fail = [&](const std::string& why) {
            failure = why;
            q.link->say_goodbye("test failed");
        };
        if (!q.hello() || !q.link->shared_memory()) {
            return fail("handshake without shared memory");
        }
        auto layout_reply = q.call(cosim::make_empty(A4S_LAYOUT));
        a4s_layout layout{};
        if (!layout_reply || !layout_reply->read_as(layout) || layout.device_id != 0x17F2 ||
            layout.vf_device_id != 0x17F3 || layout.total_vfs != 4 ||
            layout.vf_bars[0].size != 0x10000 || (layout.pf_bars[4].flags & A4S_BAR_64BIT) != 0) {
            return fail("layout");
        }
        if (q.cfg_read(0, reg::kVendorId) != 0x17F21022u || q.cfg_read(9, 0).has_value()) {
            return fail("PF identity, or an absent function answered");
        }
        const std::uint16_t sr = layout.sriov_offset;
        q.cfg_write(0, sr + cap::kVfBar0, 4, kVfBar0);
        q.cfg_write(0, sr + cap::kVfBar0 + 4, 4, 0);
        q.cfg_write(0, sr + cap::kNumVfs, 2, 2);
        auto enabled = q.cfg_write(0, sr + cap::kControl, 2, cap::kCtlVfEnable | cap::kCtlVfMse);
        if (!enabled || (enabled->events & A4S_EV_VFS_CHANGED) == 0 || enabled->num_vfs != 2 ||
            enabled->vf_mse != 1 || (enabled->dword >> 16) != 0) {
            return fail("VF enable");
        }
        // The VF2 test block: scratch round trip, and its function register says 2.
        const std::uint64_t vf2 = kVfBar0 + 0x10000 + tb::kBar0Offset;
        q.mmio_write(vf2 + tb::kRegScratch, 0xC0FFEE02, 2);
        if (q.mmio_read(vf2 + tb::kRegScratch, 2) != 0xC0FFEE02u ||
            q.mmio_read(vf2 + tb::kRegFunction, 2) != 2u) {
            return fail("VF2 registers");
        }
        // An address beyond NumVFs' apertures: an error reply, and the model stays up.
        std::uint16_t status = 0;
        q.mmio_read(kVfBar0 + 3ULL * 0x10000, 0, &status);
        if (status != A4S_E_UNSUPPORTED) {
            return fail("undecoded address did not fail");
        }
        // VF2: bus master, MSI-X vector 1 programmed, then a DMA fill that raises it.
        q.cfg_write(2, reg::kCommand, 2, reg::kCommandBusMaster);
        std::uint16_t cap_at =
            static_cast<std::uint16_t>(*q.cfg_read(2, reg::kCapabilitiesPointer, 1));
        while (cap_at != 0 && (*q.cfg_read(2, cap_at, 1)) != reg::kCapMsix) {
            cap_at = static_cast<std::uint16_t>(*q.cfg_read(2, cap_at + 1, 1));
        }
        q.cfg_write(2, cap_at + 2, 2, pcie::msix::kEnable);
        const std::uint64_t table = kVfBar0 + 0x10000 + 0x8000 + 16;
        q.mmio_write(table, 0xFEE00000, 2);
        q.mmio_write(table + 8, 0x41, 2);
        q.mmio_write(table + 12, 0, 2);
        q.mmio_write(vf2 + tb::kRegDmaAddressLow, 0x1000, 2);
        q.mmio_write(vf2 + tb::kRegDmaAddressHigh, 0, 2);
        q.mmio_write(vf2 + tb::kRegDmaLength, 8192, 2);
        q.mmio_write(vf2 + tb::kRegDmaPattern, 0x500, 2);
        q.mmio_write(vf2 + tb::kRegDmaControl, tb::kControlFill | tb::kControlMsiOnDone | (1u << 8),
                     2);
        if (!q.pump_until([&] { return !q.msis.empty(); }, std::chrono::seconds(5))) {
            return fail("no MSI after the DMA");
        }
        for (std::uint32_t i = 0; i < 2048; ++i) {
            std::uint32_t w = 0;
            std::memcpy(&w, &q.ram[0x1000 + 4 * i], 4);
            if (w != 0x500 + i) {
                return fail("DMA pattern word " + std::to_string(i));
            }
        }
        if (q.msis[0].first != 2 || q.msis[0].second.data != 0x41 ||
            q.msis[0].second.address != 0xFEE00000 || q.msis[0].second.vector != 1) {
            return fail("MSI fields");
        }
        if ((*q.mmio_read(vf2 + tb::kRegDmaStatus, 2) & tb::kStatusDone) == 0) {
            return fail("DMA status");
        }
        client_ok = true;
        q.link->say_goodbye("test done");
    });
    const int status = model.serve();
    client.join();
    INFO(failure);
    CHECK(client_ok);
    CHECK(status == 0);
    CHECK(model.bridge.counters().msis == 1);
    CHECK(model.bridge.counters().dma_writes == 1);
}

TEST_CASE("malformed requests get error replies and the model keeps serving", "[cosim][bridge]") {
    ModelUnderTest model;
    std::vector<std::uint16_t> statuses;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello()) {
            return;
        }
        a4s_cfg_read bad{0xFFE, 4, 0, 0}; // crosses the end of config space
        auto r1 = q.call(cosim::make_request(A4S_CFG_READ, 0, bad));
        statuses.push_back(r1 ? r1->header.status : 0xFFFF);
        a4s_mmio odd{0x1000, 3, 0, {}};
        auto r2 = q.call(cosim::make_request(A4S_MMIO_READ, 0, odd));
        statuses.push_back(r2 ? r2->header.status : 0xFFFF);
        a4s_dma wrong_way{0, 4, 0};
        auto r3 = q.call(cosim::make_request(A4S_DMA_READ, 0, wrong_way)); // a model->QEMU type
        statuses.push_back(r3 ? r3->header.status : 0xFFFF);
        statuses.push_back(q.cfg_read(0, 0).value_or(0) == 0x17F21022u ? 0 : 1);
        q.link->say_goodbye("done");
    });
    const int status = model.serve();
    client.join();
    REQUIRE(statuses.size() == 4);
    CHECK(statuses[0] == A4S_E_MALFORMED);
    CHECK(statuses[1] == A4S_E_MALFORMED);
    CHECK(statuses[2] == A4S_E_MALFORMED);
    CHECK(statuses[3] == 0);
    CHECK(status == 0);
}

TEST_CASE("a peer that vanishes ends the model's run with a failure, not a hang",
          "[cosim][bridge]") {
    ModelUnderTest model;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        q.hello();
        q.cfg_read(0, 0);
        ::shutdown(q.link->native_handle(), SHUT_RDWR); // no goodbye
    });
    const int status = model.serve();
    client.join();
    // Not 1: the launcher reads this status as "QEMU ended first" and blames QEMU, not the model.
    CHECK(status == cosim::kExitPeerLost);
}

TEST_CASE("a request of a type the model does not know gets MALFORMED, and serving goes on",
          "[cosim][bridge]") {
    ModelUnderTest model;
    std::optional<std::uint16_t> unknown_status;
    bool still_served = false;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello()) {
            return;
        }
        cosim::Message future = cosim::make_empty(static_cast<a4s_type>(A4S_TYPE_LIMIT + 7));
        if (auto r = q.call(std::move(future))) {
            unknown_status = static_cast<std::uint16_t>(r->header.status);
        }
        still_served = q.cfg_read(0, 0).value_or(0) == 0x17F21022u;
        q.link->say_goodbye("done");
    });
    const int status = model.serve();
    client.join();
    CHECK(unknown_status == std::optional<std::uint16_t>(A4S_E_MALFORMED));
    CHECK(still_served);
    CHECK(status == 0);
}

TEST_CASE("a peer in the wrong role is told so, not that its version differs", "[cosim][bridge]") {
    ModelUnderTest model;
    std::string reason;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        a4s_hello h{};
        h.major = A4S_PROTOCOL_MAJOR;
        h.minor = A4S_PROTOCOL_MINOR;
        h.role = A4S_ROLE_MODEL; // a second model, say
        q.call(cosim::make_request(A4S_HELLO, 0, h));
        reason = q.link->closed_reason();
    });
    const int status = model.serve();
    client.join();
    CHECK(status == 1);
    CHECK(reason.find("role") != std::string::npos);
    CHECK(reason.find("protocol") == std::string::npos);
}

TEST_CASE("a peer that speaks another protocol version is refused", "[cosim][bridge]") {
    ModelUnderTest model;
    std::thread client([&] {
        FakeQemu q(model.client_fd);
        a4s_hello h{};
        h.major = A4S_PROTOCOL_MAJOR + 1;
        h.role = A4S_ROLE_QEMU;
        q.call(cosim::make_request(A4S_HELLO, 0, h));
    });
    const int status = model.serve();
    client.join();
    CHECK(status == 1);
}
