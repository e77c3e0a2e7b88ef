// The model's side of the co-simulation, end to end in one process: a fake QEMU on one end of
// a socketpair, the real device model and bridge on the other.
#include "cosim/bridge/bridge.h"
#include "fake_qemu.h"
#include "model_under_test.h"
#include "models/aie4_device.h"

#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace aie4sim;
using namespace aie4sim::testing;

// The first end-to-end case (HELLO with rings, VFs enabled, each VF's registers, DMA and MSI-X)
// runs with the C client QEMU ships: c_client_test.cpp.

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
