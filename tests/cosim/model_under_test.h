#pragma once
// The real device model and bridge, served on one end of a socketpair whose other end a test
// gives to a FakeQemu on another thread.

#include "cosim/bridge/bridge.h"
#include "models/aie4_device.h"
#include "testbench/fresh_simulation.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <sys/socket.h>
#include <utility>

namespace aie4sim::testing {

struct ModelUnderTest {
    static constexpr std::uint64_t kVfBar0 = 0xC0000000;

    FreshSimulation sim;
    models::Aie4Device device{"aie4", models::default_device_config()};
    // Before the bridge: the bridge owns the Link whose socket uses this context, so the
    // context must outlive it (declared the other way round, ASan saw a use after free).
    boost::asio::io_context io;
    cosim::Bridge bridge;
    int client_fd = -1;
    int model_fd = -1;

    explicit ModelUnderTest(cosim::BridgeOptions o = options())
        : bridge("bridge", device.endpoint(), std::move(o)) {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        model_fd = fds[0];
        client_fd = fds[1];
    }
    static cosim::BridgeOptions options() {
        cosim::BridgeOptions o;
        o.ring_size = 256u << 10;
        o.spin.cap = std::chrono::microseconds(50);
        o.connect_timeout = std::chrono::seconds(5);
        o.reply_timeout = std::chrono::seconds(5);
        o.accept_guests = true; // connect_another()
        return o;
    }
    // One more connection to the model (a guest QEMU): the returned descriptor is the client's
    // end, the model takes the other in while it serves.
    int connect_another() {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
        cosim::Link::Socket s(io, boost::asio::generic::stream_protocol(AF_UNIX, 0), fds[0]);
        bridge.adopt(std::make_unique<cosim::Link>(std::move(s), cosim::Link::Side::model));
        return fds[1];
    }
    int serve() {
        cosim::Link::Socket s(io, boost::asio::generic::stream_protocol(AF_UNIX, 0), model_fd);
        return bridge.serve(std::make_unique<cosim::Link>(std::move(s), cosim::Link::Side::model));
    }
};

} // namespace aie4sim::testing
