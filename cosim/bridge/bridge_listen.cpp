// Listening: the socket QEMUs connect to (a UNIX path or TCP), the first connection (the host
// QEMU), and the acceptor kept open for guest QEMUs (bridge_peers.cpp takes them in).
#include "common/log.h"
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <optional>
#include <poll.h>
#include <unistd.h>

namespace aie4sim::cosim {

using namespace bridge_detail;

namespace {

// Waits for a connection on `acceptor` for at most `timeout` (the launcher starts QEMU right
// after the model; a QEMU that never comes must not leave the model waiting forever).
template <class Acceptor, class Socket>
bool accept_with_timeout(Acceptor& acceptor, Socket& socket, std::chrono::seconds timeout) {
    pollfd p{acceptor.native_handle(), POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(timeout.count() * 1000));
    if (r <= 0) {
        return false;
    }
    boost::system::error_code ec;
    acceptor.accept(socket, ec);
    return !ec;
}

} // namespace

int Bridge::run() {
    boost::asio::io_context io;
    Link::Socket socket(io);
    const ListenAddress& where = options_.listen;
    // The acceptors stay open while serving: guest QEMUs connect later (accept_guests).
    std::optional<boost::asio::local::stream_protocol::acceptor> unix_acceptor;
    std::optional<boost::asio::ip::tcp::acceptor> tcp_acceptor;
    try {
        if (where.kind == ListenAddress::Kind::unix_socket) {
            ::unlink(where.path.c_str());
            unix_acceptor.emplace(io, boost::asio::local::stream_protocol::endpoint(where.path));
            AIE4SIM_LOG(info, kLog, "listening on " << where.to_string());
            boost::asio::local::stream_protocol::socket s(io);
            if (!accept_with_timeout(*unix_acceptor, s, options_.connect_timeout)) {
                AIE4SIM_LOG(error, kLog,
                            "no QEMU connected within " << options_.connect_timeout.count()
                                                        << " s");
                ::unlink(where.path.c_str());
                return 1;
            }
            socket =
                Link::Socket(io, boost::asio::generic::stream_protocol(AF_UNIX, 0), s.release());
            if (options_.accept_guests) {
                listen_fd_ = unix_acceptor->native_handle();
                listen_unix_ = true;
            } else {
                ::unlink(where.path.c_str());
            }
        } else {
            namespace ip = boost::asio::ip;
            tcp_acceptor.emplace(io);
            ip::tcp::acceptor& acceptor = *tcp_acceptor;
            const ip::tcp::endpoint ep(ip::make_address(where.host), where.port);
            acceptor.open(ep.protocol());
            acceptor.set_option(ip::tcp::acceptor::reuse_address(true));
            acceptor.bind(ep);
            acceptor.listen();
            AIE4SIM_LOG(info, kLog, "listening on " << where.to_string());
            ip::tcp::socket s(io);
            if (!accept_with_timeout(acceptor, s, options_.connect_timeout)) {
                AIE4SIM_LOG(error, kLog,
                            "no QEMU connected within " << options_.connect_timeout.count()
                                                        << " s");
                return 1;
            }
            s.set_option(ip::tcp::no_delay(true));
            const int family = ep.protocol().family();
            socket = Link::Socket(io, boost::asio::generic::stream_protocol(family, IPPROTO_TCP),
                                  s.release());
            if (options_.accept_guests) {
                listen_fd_ = acceptor.native_handle();
                listen_unix_ = false;
            }
        }
    } catch (const boost::system::system_error& e) {
        AIE4SIM_LOG(error, kLog, "cannot listen on " << where.to_string() << ": " << e.what());
        return 1;
    }
    // serve() drops every link before it returns: their sockets belong to `io`, which ends
    // with this function (a socket outliving its io_context corrupts the heap).
    const int status = serve(std::make_unique<Link>(std::move(socket), Link::Side::model));
    listen_fd_ = -1;
    if (where.kind == ListenAddress::Kind::unix_socket && options_.accept_guests) {
        ::unlink(where.path.c_str());
    }
    return status;
}

} // namespace aie4sim::cosim
