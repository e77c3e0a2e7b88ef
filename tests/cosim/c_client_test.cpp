// The C protocol client that QEMU's device compiles (cosim/protocol/aie4sim_client.c), driven
// here against the real model and bridge over a socketpair and shared-memory rings, and
// against a peer that dies, lies or goes silent: each failure is an error state, never an exit.
#include "cosim/protocol/aie4sim_client.h"
#include "model_under_test.h"
#include "models/test_block.h"
#include "pcie/config_regs.h"
#include "pcie/msix.h"
#include "sriov/sriov_capability.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;
namespace tb = aie4sim::models::test_block;

namespace {

// The client with a small "guest RAM" that serves the model's DMA messages and records MSIs.
struct CClient {
    std::vector<std::uint8_t> ram = std::vector<std::uint8_t>(1 << 20);
    std::vector<std::pair<unsigned, a4s_msi>> msis; // (function, message)
    unsigned dma_requests = 0;
    unsigned failures = 0;
    std::string failure;
    A4sClient* client = nullptr;

    explicit CClient(int fd, std::int64_t reply_timeout_ns = 5'000'000'000) {
        A4sClientOptions o{};
        o.reply_timeout_ns = reply_timeout_ns;
        o.spin_max_ns = 50'000;
        o.spin_min_ns = 2'000;
        o.handler = [](void* self, A4sMessage* m) { static_cast<CClient*>(self)->serve(m); };
        o.failed = [](void* self, const char* why) {
            auto* c = static_cast<CClient*>(self);
            ++c->failures;
            c->failure = why;
        };
        o.opaque = this;
        client = a4s_client_new(fd, true, &o);
    }
    ~CClient() { a4s_client_close(client, "test done"); }
    CClient(const CClient&) = delete;
    CClient& operator=(const CClient&) = delete;

    void serve(A4sMessage* m) {
        const std::uint8_t* p = a4s_message_payload(m);
        if (m->header.type == A4S_MSI && a4s_message_payload_size(m) >= sizeof(a4s_msi)) {
            a4s_msi msi{};
            std::memcpy(&msi, p, sizeof msi);
            msis.emplace_back(unsigned{m->header.function}, msi);
            return;
        }
        a4s_dma dma{};
        if ((m->header.type != A4S_DMA_READ && m->header.type != A4S_DMA_WRITE) ||
            a4s_message_payload_size(m) < sizeof dma) {
            a4s_client_reply(client, m, A4S_E_MALFORMED, nullptr, 0);
            return;
        }
        std::memcpy(&dma, p, sizeof dma);
        ++dma_requests;
        if (dma.address + dma.size > ram.size()) {
            a4s_client_reply(client, m, A4S_E_UNSUPPORTED, nullptr, 0);
        } else if (m->header.type == A4S_DMA_WRITE) {
            std::memcpy(&ram[dma.address], p + sizeof dma, dma.size);
            a4s_client_reply(client, m, A4S_OK, nullptr, 0);
        } else {
            a4s_client_reply(client, m, A4S_OK, &ram[dma.address], dma.size);
        }
    }

    bool hello() {
        a4s_hello mine{};
        mine.major = A4S_PROTOCOL_MAJOR;
        mine.minor = A4S_PROTOCOL_MINOR;
        mine.role = A4S_ROLE_QEMU;
        mine.capabilities = A4S_CAP_SHM;
        std::strcpy(mine.name, "c client test");
        a4s_hello theirs{};
        return a4s_client_hello(client, &mine, &theirs) == 0;
    }
    template <typename Body>
    std::optional<A4sMessage> call(std::uint16_t type, std::uint16_t function, const Body& body,
                                   const void* data = nullptr, std::uint32_t data_size = 0) {
        A4sMessage reply{};
        if (a4s_client_call(client, type, function, &body, sizeof body, data, data_size, &reply) !=
            0) {
            return std::nullopt;
        }
        return reply;
    }
    std::optional<std::uint32_t> cfg_read(std::uint16_t function, std::uint32_t offset,
                                          std::uint32_t size = 4) {
        a4s_cfg_read req{static_cast<std::uint16_t>(offset), static_cast<std::uint16_t>(size), 0,
                         0};
        auto r = call(A4S_CFG_READ, function, req);
        std::optional<std::uint32_t> value;
        if (r && r->header.status == A4S_OK &&
            a4s_message_payload_size(&*r) >= sizeof(a4s_cfg_read_reply)) {
            a4s_cfg_read_reply out{};
            std::memcpy(&out, a4s_message_payload(&*r), sizeof out);
            value = std::uint32_t{out.value};
        }
        if (r) {
            a4s_message_free(&*r);
        }
        return value;
    }
    std::optional<a4s_cfg_write_reply> cfg_write(std::uint16_t function, std::uint32_t offset,
                                                 std::uint32_t size, std::uint32_t value) {
        a4s_cfg_write req{};
        req.offset = static_cast<std::uint16_t>(offset);
        req.size = static_cast<std::uint16_t>(size);
        req.value = value;
        auto r = call(A4S_CFG_WRITE, function, req);
        std::optional<a4s_cfg_write_reply> out;
        if (r && r->header.status == A4S_OK &&
            a4s_message_payload_size(&*r) >= sizeof(a4s_cfg_write_reply)) {
            out.emplace();
            std::memcpy(&*out, a4s_message_payload(&*r), sizeof *out);
        }
        if (r) {
            a4s_message_free(&*r);
        }
        return out;
    }
    std::optional<std::uint32_t> mmio_read(std::uint64_t address, std::uint16_t function,
                                           std::uint16_t* status = nullptr) {
        a4s_mmio req{address, 4, 0, {}};
        auto r = call(A4S_MMIO_READ, function, req);
        if (status != nullptr) {
            *status = r ? r->header.status : 0xFFFF;
        }
        std::optional<std::uint32_t> value;
        if (r && r->header.status == A4S_OK && a4s_message_payload_size(&*r) >= 4) {
            std::uint32_t v = 0;
            std::memcpy(&v, a4s_message_payload(&*r), 4);
            value = v;
        }
        if (r) {
            a4s_message_free(&*r);
        }
        return value;
    }
    // Posted, as QEMU sends them when the model runs freely.
    bool mmio_write(std::uint64_t address, std::uint32_t value, std::uint16_t function) {
        a4s_mmio req{address, 4, 0, {}};
        return a4s_client_post(client, A4S_MMIO_WRITE, function, &req, sizeof req, &value, 4) == 0;
    }
};

constexpr std::uint64_t kVfBar0 = ModelUnderTest::kVfBar0;

// One end of a socketpair the test itself plays the "model" on.
struct RawPeer {
    int client_fd = -1;
    int peer_fd = -1;
    RawPeer() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        client_fd = fds[0];
        peer_fd = fds[1];
    }
    ~RawPeer() {
        if (peer_fd >= 0) {
            ::close(peer_fd);
        }
    }
    RawPeer(const RawPeer&) = delete;
    RawPeer& operator=(const RawPeer&) = delete;
    a4s_header read_request() const {
        a4s_header h{};
        REQUIRE(::recv(peer_fd, &h, sizeof h, MSG_WAITALL) == static_cast<ssize_t>(sizeof h));
        std::vector<std::uint8_t> rest(h.size - sizeof h);
        if (!rest.empty()) {
            REQUIRE(::recv(peer_fd, rest.data(), rest.size(), MSG_WAITALL) ==
                    static_cast<ssize_t>(rest.size()));
        }
        return h;
    }
    void send_bytes(const void* p, std::size_t n) const {
        REQUIRE(::send(peer_fd, p, n, MSG_NOSIGNAL) == static_cast<ssize_t>(n));
    }
    // Answers HELLO without rings: the socket carries everything.
    void answer_hello() const {
        a4s_header h = read_request();
        REQUIRE(h.type == A4S_HELLO);
        a4s_hello theirs{};
        theirs.major = A4S_PROTOCOL_MAJOR;
        theirs.minor = A4S_PROTOCOL_MINOR;
        theirs.role = A4S_ROLE_MODEL;
        std::strcpy(theirs.name, "raw peer");
        h.flags = A4S_F_REPLY;
        h.size = sizeof h + sizeof theirs;
        send_bytes(&h, sizeof h);
        send_bytes(&theirs, sizeof theirs);
    }
};

} // namespace

TEST_CASE("the C client and the model: HELLO with rings, VFs enabled, each VF's registers, "
          "and the model's DMA and MSI-X served while the client waits",
          "[cosim][c_client][bridge]") {
    ModelUnderTest model;
    std::string failure;
    bool client_ok = false;
    std::thread client_thread([&] {
        CClient q(model.client_fd);
        auto fail = [&](const std::string& why) { failure = why + " / " + q.failure; };
        if (!q.hello() || !a4s_client_shared_memory(q.client)) {
            return fail("handshake without shared memory");
        }
        A4sMessage layout_reply{};
        if (a4s_client_call(q.client, A4S_LAYOUT, 0, nullptr, 0, nullptr, 0, &layout_reply) != 0) {
            return fail("layout");
        }
        a4s_layout layout{};
        std::memcpy(&layout, a4s_message_payload(&layout_reply), sizeof layout);
        // The layout is bigger than a message's inline payload: it came on the heap.
        const bool on_heap = layout_reply.heap != nullptr;
        a4s_message_free(&layout_reply);
        if (!on_heap || layout.device_id != 0x17F2 || layout.vf_device_id != 0x17F3 ||
            layout.total_vfs != 4 || layout.vf_bars[0].size != 0x10000 ||
            (layout.pf_bars[4].flags & A4S_BAR_64BIT) != 0) {
            return fail("layout contents");
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
        auto cap_at =
            static_cast<std::uint16_t>(q.cfg_read(2, reg::kCapabilitiesPointer, 1).value_or(0));
        while (cap_at != 0 && q.cfg_read(2, cap_at, 1).value_or(0) != reg::kCapMsix) {
            cap_at = static_cast<std::uint16_t>(q.cfg_read(2, cap_at + 1, 1).value_or(0));
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
        // Reading the status waits for replies: the DMA is served meanwhile.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while ((q.mmio_read(vf2 + tb::kRegDmaStatus, 2).value_or(0) & tb::kStatusDone) == 0 ||
               q.msis.empty()) {
            a4s_client_drain(q.client);
            if (std::chrono::steady_clock::now() > give_up || a4s_client_failed(q.client)) {
                return fail("the DMA did not finish with an MSI");
            }
        }
        for (std::uint32_t i = 0; i < 2048; ++i) {
            std::uint32_t w = 0;
            std::memcpy(&w, &q.ram[0x1000 + 4 * i], 4);
            if (w != 0x500 + i) {
                return fail("DMA pattern word " + std::to_string(i));
            }
        }
        if (q.dma_requests == 0 || q.msis[0].first != 2 || q.msis[0].second.data != 0x41 ||
            q.msis[0].second.address != 0xFEE00000 || q.msis[0].second.vector != 1) {
            return fail("DMA messages or MSI fields");
        }
        client_ok = !a4s_client_failed(q.client) && q.failures == 0;
    });
    const int status = model.serve();
    client_thread.join();
    INFO(failure);
    CHECK(client_ok);
    CHECK(status == 0);
    CHECK(model.bridge.counters().msis == 1);
    CHECK(model.bridge.counters().dma_writes == 1);
}

TEST_CASE("the C client survives a model that closes its socket: an error, every call fails at "
          "once after it",
          "[cosim][c_client]") {
    RawPeer peer;
    CClient q(peer.client_fd);
    std::thread model([&] {
        peer.answer_hello();
        peer.read_request(); // the CFG_READ, never answered: the model "dies"
        ::close(peer.peer_fd);
        peer.peer_fd = -1;
    });
    REQUIRE(q.hello());
    CHECK_FALSE(a4s_client_shared_memory(q.client));
    A4sMessage reply{};
    a4s_cfg_read req{0, 4, 0, 0};
    CHECK(a4s_client_call(q.client, A4S_CFG_READ, 0, &req, sizeof req, nullptr, 0, &reply) == -1);
    model.join();
    CHECK(reply.header.status == A4S_E_ABORT);
    CHECK(a4s_message_payload_size(&reply) == 0);
    CHECK(a4s_client_failed(q.client));
    CHECK(q.failures == 1);
    CHECK_THAT(q.failure, Catch::Contains("closed the connection"));
    // Later calls fail at once, and the failure is reported once only.
    const auto start = std::chrono::steady_clock::now();
    CHECK(a4s_client_call(q.client, A4S_CFG_READ, 0, &req, sizeof req, nullptr, 0, &reply) == -1);
    CHECK(a4s_client_post(q.client, A4S_MMIO_WRITE, 0, &req, sizeof req, nullptr, 0) == -1);
    a4s_client_drain(q.client);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK(q.failures == 1);
}

TEST_CASE("the C client fails on a corrupt header and on a peer that never replies",
          "[cosim][c_client]") {
    SECTION("corrupt header") {
        RawPeer peer;
        CClient q(peer.client_fd);
        std::thread model([&] {
            peer.answer_hello();
            peer.read_request();
            a4s_header bad{};
            bad.size = 3; // smaller than a header
            bad.type = A4S_MMIO_READ;
            peer.send_bytes(&bad, sizeof bad);
        });
        REQUIRE(q.hello());
        A4sMessage reply{};
        a4s_cfg_read req{0, 4, 0, 0};
        CHECK(a4s_client_call(q.client, A4S_CFG_READ, 0, &req, sizeof req, nullptr, 0, &reply) ==
              -1);
        model.join();
        CHECK_THAT(q.failure, Catch::Contains("protocol error"));
    }
    SECTION("no reply within the time-out") {
        RawPeer peer;
        CClient q(peer.client_fd, 200'000'000);
        std::atomic<bool> done{false};
        std::thread model([&] {
            peer.answer_hello();
            peer.read_request(); // and stay silent, socket open
            while (!done) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        });
        REQUIRE(q.hello());
        A4sMessage reply{};
        a4s_cfg_read req{0, 4, 0, 0};
        const auto start = std::chrono::steady_clock::now();
        CHECK(a4s_client_call(q.client, A4S_CFG_READ, 0, &req, sizeof req, nullptr, 0, &reply) ==
              -1);
        const auto waited = std::chrono::steady_clock::now() - start;
        done = true;
        model.join();
        CHECK(waited >= std::chrono::milliseconds(200));
        CHECK(waited < std::chrono::seconds(2));
        CHECK_THAT(q.failure, Catch::Contains("no reply"));
    }
    SECTION("a goodbye") {
        RawPeer peer;
        CClient q(peer.client_fd);
        std::thread model([&] {
            peer.answer_hello();
            peer.read_request();
            a4s_goodbye bye{};
            std::strcpy(bye.reason, "model shutting down");
            a4s_header h{};
            h.type = A4S_GOODBYE;
            h.flags = A4S_F_POSTED;
            h.size = sizeof h + sizeof bye;
            peer.send_bytes(&h, sizeof h);
            peer.send_bytes(&bye, sizeof bye);
        });
        REQUIRE(q.hello());
        A4sMessage reply{};
        a4s_cfg_read req{0, 4, 0, 0};
        CHECK(a4s_client_call(q.client, A4S_CFG_READ, 0, &req, sizeof req, nullptr, 0, &reply) ==
              -1);
        model.join();
        CHECK_THAT(q.failure, Catch::Contains("model shutting down"));
    }
}
