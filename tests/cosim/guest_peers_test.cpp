// One model, several QEMUs (protocol 1.2): a host QEMU owns the PF, guest QEMUs ATTACH to one
// VF each. Fake QEMUs on threads, the real device model and bridge on the main thread.
#include "cosim/bridge/bridge.h"
#include "fake_qemu.h"
#include "model_under_test.h"
#include "models/test_block.h"
#include "pcie/config_regs.h"
#include "pcie/msix.h"
#include "sriov/sriov_capability.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <thread>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;
namespace tb = aie4sim::models::test_block;

namespace {

constexpr std::uint64_t kVfBar0 = ModelUnderTest::kVfBar0;
constexpr std::uint64_t kVfBarSize = 0x10000;

// Steps the threads of a test agree on; each waits for the step it needs.
struct Steps {
    std::atomic<int> reached{0};
    std::atomic<bool> failed{false};
    void reach(int step) {
        int now = reached.load();
        while (now < step && !reached.compare_exchange_weak(now, step)) {
        }
    }
    bool await(int step) const {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (reached.load() < step) {
            if (failed || std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return true;
    }
};

// The host: VF BARs at kVfBar0, `vfs` VFs with VF MSE.
bool enable_vfs(FakeQemu& q, unsigned vfs) {
    auto layout_reply = q.call(cosim::make_empty(A4S_LAYOUT));
    a4s_layout layout{};
    if (!layout_reply || !layout_reply->read_as(layout)) {
        return false;
    }
    const std::uint16_t sr = layout.sriov_offset;
    q.cfg_write(0, sr + cap::kVfBar0, 4, kVfBar0);
    q.cfg_write(0, sr + cap::kVfBar0 + 4, 4, 0);
    q.cfg_write(0, sr + cap::kNumVfs, 2, vfs);
    auto r = q.cfg_write(0, sr + cap::kControl, 2, cap::kCtlVfEnable | cap::kCtlVfMse);
    return r && r->num_vfs == vfs;
}

bool disable_vfs(FakeQemu& q) {
    auto layout_reply = q.call(cosim::make_empty(A4S_LAYOUT));
    a4s_layout layout{};
    if (!layout_reply || !layout_reply->read_as(layout)) {
        return false;
    }
    auto r = q.cfg_write(0, layout.sriov_offset + cap::kControl, 2, 0);
    return r && r->num_vfs == 0;
}

std::uint16_t msix_offset(FakeQemu& q, unsigned fn) {
    auto at = static_cast<std::uint16_t>(q.cfg_read(fn, reg::kCapabilitiesPointer, 1).value_or(0));
    while (at != 0 && q.cfg_read(fn, at, 1).value_or(0) != reg::kCapMsix) {
        at = static_cast<std::uint16_t>(q.cfg_read(fn, at + 1, 1).value_or(0));
    }
    return at;
}

} // namespace

TEST_CASE("guest QEMUs attach to one VF each; a taken, absent or unknown VF is refused by name",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::string failure;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> results;
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello() || !enable_vfs(q, 2)) {
            failure = "host set-up";
            steps.failed = true;
        }
        steps.reach(1);
        steps.await(3);
        q.link->say_goodbye("done");
    });
    std::thread guests([&] {
        if (!steps.await(1)) {
            return;
        }
        FakeQemu a(model.connect_another());
        FakeQemu b(model.connect_another());
        if (!a.hello() || !b.hello()) {
            failure = "guest HELLO";
            steps.reach(3);
            return;
        }
        results.push_back(a.attach(1)); // accepted
        results.push_back(b.attach(1)); // taken
        results.push_back(b.attach(3)); // VF3 does not exist (NumVFs 2)
        results.push_back(b.attach(9)); // beyond TotalVFs
        results.push_back(b.attach(2)); // accepted
        results.push_back(b.attach(1)); // this connection holds VF2 already
        a.link->say_goodbye("done");
        b.link->say_goodbye("done");
        steps.reach(3);
    });
    const int status = model.serve();
    host.join();
    guests.join();
    INFO(failure);
    REQUIRE(results.size() == 6);
    CHECK(results[0].first == A4S_OK);
    CHECK(results[1] ==
          std::make_pair<std::uint16_t, std::uint32_t>(A4S_E_REFUSED, A4S_REFUSED_TAKEN));
    CHECK(results[2] ==
          std::make_pair<std::uint16_t, std::uint32_t>(A4S_E_REFUSED, A4S_REFUSED_NO_VF));
    CHECK(results[3] ==
          std::make_pair<std::uint16_t, std::uint32_t>(A4S_E_REFUSED, A4S_REFUSED_BEYOND));
    CHECK(results[4].first == A4S_OK);
    CHECK(results[5] ==
          std::make_pair<std::uint16_t, std::uint32_t>(A4S_E_REFUSED, A4S_REFUSED_TAKEN));
    CHECK(model.bridge.counters().attaches == 2);
    CHECK(model.bridge.counters().refusals == 4);
    CHECK(status == 0);
}

TEST_CASE("a guest reaches its own VF only, and its VF's DMA and MSI-X reach that guest only",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::string failure;
    auto fail = [&](const std::string& why) {
        if (failure.empty()) {
            failure = why;
        }
        steps.failed = true;
    };
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello() || !enable_vfs(q, 2)) {
            fail("host set-up");
        }
        q.mmio_write(kVfBar0 + kVfBarSize + tb::kBar0Offset + tb::kRegScratch, 0x22222222, 2);
        steps.reach(1);
        if (!steps.await(2)) {
            q.link->say_goodbye("failed");
            return;
        }
        // What the guest wrote to its VF is in VF1, by the VF's bus address; VF2 and the PF are
        // untouched.
        const auto vf1 = q.mmio_read(kVfBar0 + tb::kBar0Offset + tb::kRegScratch, 1);
        const auto vf2 = q.mmio_read(kVfBar0 + kVfBarSize + tb::kBar0Offset + tb::kRegScratch, 2);
        if (vf1 != 0x11111111u || vf2 != 0x22222222u) {
            fail("scratch registers after the guest's writes: VF1 " +
                 std::to_string(vf1.value_or(0)) + ", VF2 " + std::to_string(vf2.value_or(0)));
        }
        if (!q.msis.empty() || q.ram[0x1000] != 0) {
            fail("the host got the guest's MSI-X or DMA");
        }
        if (q.cfg_read(0, 0) != 0x17F21022u) {
            fail("PF after the guest");
        }
        steps.reach(3);
        q.link->say_goodbye("done");
    });
    std::thread guest([&] {
        if (!steps.await(1)) {
            return;
        }
        FakeQemu g(model.connect_another());
        if (!g.hello() || g.attach(1).first != A4S_OK) {
            fail("guest attach");
            return;
        }
        // Its VF by BAR offset, whatever function the request names.
        const std::uint64_t block = tb::kBar0Offset;
        g.mmio_write(block + tb::kRegScratch, 0x11111111, 0);
        if (g.mmio_read(block + tb::kRegFunction, 2) != 1u) {
            fail("the guest's BAR0 is not VF1's");
        }
        // Fenced: beyond its BAR, another BAR index, and a bus address of VF2 or the PF.
        std::uint16_t status = 0;
        g.mmio_read(kVfBarSize, 1, &status);
        if (status != A4S_E_UNSUPPORTED) {
            fail("an offset beyond the VF's BAR was not refused");
        }
        g.mmio_read(kVfBar0 + kVfBarSize + block + tb::kRegScratch, 2, &status);
        if (status != A4S_E_UNSUPPORTED) {
            fail("VF2's bus address reached something");
        }
        // Configuration requests go to VF1 even when they name the PF: the PF's SR-IOV control
        // is out of reach (VF1's config space has no SR-IOV capability).
        if (g.cfg_read(0, reg::kVendorId) == 0x17F21022u) {
            fail("the guest read the PF's identity");
        }
        // MSI-X vector 1 and a DMA fill from its VF: into its RAM, its MSI-X.
        const std::uint16_t msix = msix_offset(g, 1);
        if (msix == 0) {
            fail("no MSI-X capability on the guest's VF");
            return;
        }
        g.cfg_write(0, reg::kCommand, 2, reg::kCommandBusMaster);
        g.cfg_write(0, msix + 2, 2, pcie::msix::kEnable);
        g.mmio_write(0x8000 + 16, 0xFEE00000);
        g.mmio_write(0x8000 + 24, 0x51);
        g.mmio_write(0x8000 + 28, 0);
        g.mmio_write(block + tb::kRegDmaAddressLow, 0x1000);
        g.mmio_write(block + tb::kRegDmaAddressHigh, 0);
        g.mmio_write(block + tb::kRegDmaLength, 4096);
        g.mmio_write(block + tb::kRegDmaPattern, 0x700);
        g.mmio_write(block + tb::kRegDmaControl,
                     tb::kControlFill | tb::kControlMsiOnDone | (1u << 8));
        if (!g.pump_until([&] { return !g.msis.empty(); }, std::chrono::seconds(5))) {
            fail("no MSI-X at the guest after its VF's DMA");
        } else if (g.msis[0].first != 1 || g.msis[0].second.data != 0x51) {
            fail("the guest's MSI-X fields");
        }
        std::uint32_t w = 0;
        std::memcpy(&w, &g.ram[0x1000 + 4 * 5], 4);
        if (w != 0x705) {
            fail("the VF's DMA did not reach the guest's RAM");
        }
        steps.reach(2);
        steps.await(3); // its goodbye frees (resets) VF1: not before the host has looked
        g.link->say_goodbye("done");
    });
    const int status = model.serve();
    host.join();
    guest.join();
    INFO(failure);
    CHECK(failure.empty());
    CHECK(model.bridge.counters().fenced >= 2);
    CHECK(model.bridge.counters().msis == 1);
    CHECK(status == 0);
}

TEST_CASE("a guest QEMU that dies frees its VF (reset), and a new one attaches to it",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::string failure;
    std::uint16_t second_attach = 0xFFFF;
    std::optional<std::uint32_t> scratch_after;
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello() || !enable_vfs(q, 1)) {
            failure = "host set-up";
        }
        steps.reach(1);
        steps.await(3);
        q.link->say_goodbye("done");
    });
    std::thread guests([&] {
        if (steps.await(1)) {
            FakeQemu first(model.connect_another());
            if (first.hello() && first.attach(1).first == A4S_OK) {
                first.mmio_write(tb::kBar0Offset + tb::kRegScratch, 0xDEAD);
                first.mmio_read(tb::kBar0Offset + tb::kRegScratch); // the write has landed
            }
            ::shutdown(first.link->native_handle(), SHUT_RDWR); // killed: no goodbye
        }
        // The model frees VF1 once it notices; a new VM retries until it gets it.
        FakeQemu second(model.connect_another());
        if (second.hello()) {
            const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (std::chrono::steady_clock::now() < deadline) {
                second_attach = second.attach(1).first;
                if (second_attach == A4S_OK) {
                    break;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            scratch_after = second.mmio_read(tb::kBar0Offset + tb::kRegScratch);
        }
        second.link->say_goodbye("done");
        steps.reach(3);
    });
    const int status = model.serve();
    host.join();
    guests.join();
    INFO(failure);
    CHECK(failure.empty());
    CHECK(second_attach == A4S_OK);
    CHECK(model.bridge.counters().vf_resets >= 1);
    // The FLR cleared what the dead VM left in its VF.
    CHECK(scratch_after == std::optional<std::uint32_t>(0u));
    CHECK(status == 0);
}

TEST_CASE("the host disables SR-IOV under an attached guest: a surprise removal, a notice, and "
          "the model keeps serving",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::string failure;
    std::uint16_t read_after = 0;
    std::optional<std::uint32_t> config_after;
    std::vector<a4s_notice> notices;
    std::uint16_t reattach = 0;
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello() || !enable_vfs(q, 2)) {
            failure = "host set-up";
        }
        steps.reach(1);
        steps.await(2);
        if (!disable_vfs(q)) {
            failure = "host disable";
        }
        steps.reach(3);
        steps.await(4);
        if (!enable_vfs(q, 2)) {
            failure = "host re-enable";
        }
        steps.reach(5);
        steps.await(6);
        if (q.cfg_read(0, 0) != 0x17F21022u) {
            failure = "PF after all that";
        }
        q.link->say_goodbye("done");
    });
    std::thread guest([&] {
        steps.await(1);
        FakeQemu g(model.connect_another());
        if (!g.hello() || g.attach(2).first != A4S_OK) {
            failure = "guest attach";
        }
        steps.reach(2);
        steps.await(3);
        g.pump_until([&] { return !g.notices.empty(); }, std::chrono::seconds(5));
        g.mmio_read(tb::kBar0Offset + tb::kRegId, 2, &read_after);
        config_after = g.cfg_read(2, 0);
        steps.reach(4);
        steps.await(5);
        g.pump_until([&] { return g.notices.size() >= 2; }, std::chrono::seconds(5));
        notices = g.notices;
        FakeQemu other(model.connect_another());
        if (other.hello()) {
            reattach = other.attach(2).first; // still held by the first guest
        }
        other.link->say_goodbye("done");
        g.link->say_goodbye("done");
        steps.reach(6);
    });
    const int status = model.serve();
    host.join();
    guest.join();
    INFO(failure);
    CHECK(failure.empty());
    CHECK(read_after == A4S_E_UNSUPPORTED);
    CHECK_FALSE(config_after.has_value());
    REQUIRE(notices.size() >= 2);
    CHECK(notices[0].kind == A4S_NOTICE_REMOVED);
    CHECK(notices[1].kind == A4S_NOTICE_RETURNED);
    CHECK(reattach == A4S_E_REFUSED);
    CHECK(status == 0);
}

TEST_CASE("a second connection cannot take the PF: before ATTACH it is refused",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::uint16_t stolen = 0;
    std::optional<std::uint32_t> read;
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        q.hello();
        q.cfg_read(0, 0);
        steps.reach(1);
        steps.await(2);
        q.link->say_goodbye("done");
    });
    std::thread intruder([&] {
        steps.await(1);
        FakeQemu g(model.connect_another());
        if (g.hello()) {
            a4s_cfg_read body{0, 4, 0, 0};
            auto r = g.call(cosim::make_request(A4S_CFG_READ, 0, body));
            stolen = r ? r->header.status : 0xFFFF;
            read = g.cfg_read(0, 0);
        }
        g.link->say_goodbye("done");
        steps.reach(2);
    });
    const int status = model.serve();
    host.join();
    intruder.join();
    CHECK(stolen == A4S_E_STATE);
    CHECK_FALSE(read.has_value());
    CHECK(status == 0);
}

TEST_CASE("a guest VM without an IOMMU gets its VF's DMA with no round trip (RAM windows)",
          "[cosim][bridge][vms]") {
    ModelUnderTest model;
    Steps steps;
    std::string failure;
    unsigned maps = 99;
    unsigned messages = 99;
    std::uint32_t word = 0;
    std::thread host([&] {
        FakeQemu q(model.client_fd);
        if (!q.hello() || !enable_vfs(q, 1)) {
            failure = "host set-up";
        }
        steps.reach(1);
        steps.await(2);
        q.link->say_goodbye("done");
    });
    std::thread guest([&] {
        steps.await(1);
        FakeQemu g(model.connect_another());
        FakeQemu::HelloOptions h;
        h.share_ram = true;
        h.window = true;
        if (!g.hello(h) || g.attach(1).first != A4S_OK) {
            failure = "guest attach";
        }
        g.cfg_write(0, reg::kCommand, 2, reg::kCommandBusMaster);
        const std::uint64_t block = tb::kBar0Offset;
        g.mmio_write(block + tb::kRegDmaAddressLow, 0x3000);
        g.mmio_write(block + tb::kRegDmaAddressHigh, 0);
        g.mmio_write(block + tb::kRegDmaLength, 8192);
        g.mmio_write(block + tb::kRegDmaPattern, 0x900);
        g.mmio_write(block + tb::kRegDmaControl, tb::kControlFill);
        g.pump_until(
            [&] {
                return (g.mmio_read(block + tb::kRegDmaStatus).value_or(0) & tb::kStatusDone) != 0;
            },
            std::chrono::seconds(5));
        std::memcpy(&word, &g.ram[0x3000 + 4 * 7], 4);
        maps = g.dma_maps;
        messages = g.dma_messages;
        g.link->say_goodbye("done");
        steps.reach(2);
    });
    const int status = model.serve();
    host.join();
    guest.join();
    INFO(failure);
    CHECK(failure.empty());
    CHECK(word == 0x907u);
    CHECK(maps == 0u);
    CHECK(messages == 0u);
    CHECK(model.bridge.counters().dma_direct_bytes == 8192u);
    CHECK(status == 0);
}
