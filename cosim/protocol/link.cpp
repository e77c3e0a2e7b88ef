#include "cosim/protocol/link.h"

#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aie4sim::cosim {

namespace {

using Clock = std::chrono::steady_clock;

void cpu_relax() {
    __builtin_ia32_pause();
}

} // namespace

Link::Link(Socket socket, Side side) : socket_(std::move(socket)), side_(side) {
    socket_.non_blocking(true);
}

Link::~Link() {
    if (received_fd_ >= 0) {
        ::close(received_fd_);
    }
}

bool Link::is_unix() const {
    return socket_.local_endpoint().protocol().family() == AF_UNIX;
}

int Link::native_handle() {
    return socket_.native_handle();
}

a4s_ring_control* Link::inbound() const {
    return side_ == Side::model ? region_->to_model() : region_->to_qemu();
}

a4s_ring_control* Link::outbound() const {
    return side_ == Side::model ? region_->to_qemu() : region_->to_model();
}

void Link::close(const std::string& reason) {
    if (!closed_) {
        closed_ = true;
        closed_reason_ = reason;
        boost::system::error_code ec;
        socket_.shutdown(Socket::shutdown_both, ec);
    }
}

void Link::say_goodbye(const std::string& reason) {
    if (!closed_) {
        write_socket(make_goodbye(reason));
        close("said goodbye: " + reason);
    }
}

bool Link::write_socket(const Message& m, int fd_to_pass) {
    if (closed_) {
        return false;
    }
    ++counters_.sent_socket;
    // The socket is non-blocking for reads; writes must complete, so wait for room.
    std::vector<std::uint8_t> bytes(kHeaderSize + m.payload.size());
    std::memcpy(bytes.data(), &m.header, kHeaderSize);
    if (!m.payload.empty()) {
        std::memcpy(bytes.data() + kHeaderSize, m.payload.data(), m.payload.size());
    }
    std::size_t sent = 0;
    if (fd_to_pass >= 0) {
        // Descriptor passing (SCM_RIGHTS) is not something Asio offers: sendmsg by hand.
        iovec iov{bytes.data(), bytes.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        cmsghdr* cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(cm), &fd_to_pass, sizeof(int));
        ssize_t n = 0;
        do {
            n = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            close(std::string("cannot send to the peer: ") + std::strerror(errno));
            return false;
        }
        sent = static_cast<std::size_t>(n);
    }
    while (sent < bytes.size()) {
        boost::system::error_code ec;
        const std::size_t n =
            socket_.write_some(boost::asio::buffer(bytes.data() + sent, bytes.size() - sent), ec);
        if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
            pollfd p{socket_.native_handle(), POLLOUT, 0};
            ::poll(&p, 1, 100);
            continue;
        }
        if (ec) {
            close("cannot send to the peer: " + ec.message());
            return false;
        }
        sent += n;
    }
    return true;
}

bool Link::send(Message m) {
    if (closed_) {
        return false;
    }
    m.header.size = static_cast<std::uint32_t>(kHeaderSize + m.payload.size());
    const bool control = m.header.type == A4S_KICK || m.header.type == A4S_SHM_OFFER ||
                         m.header.type == A4S_GOODBYE || m.header.type == A4S_HELLO;
    if (!region_ || control) {
        return write_socket(m);
    }
    a4s_ring_control* ring = outbound();
    for (;;) {
        const int r =
            a4s_ring_push2(ring, region_->ring_size(), &m.header, kHeaderSize, m.payload.data(),
                           static_cast<std::uint32_t>(m.payload.size()));
        if (r == 0) {
            break;
        }
        if (r < 0) {
            close("message too large for the ring");
            return false;
        }
        // The ring is full: keep taking the peer's messages so that a peer waiting for room
        // in our direction cannot deadlock with us.
        if (auto in = take()) {
            queue_.push_back(std::move(*in));
        }
        if (closed_) {
            return false;
        }
        cpu_relax();
    }
    ++counters_.sent_ring;
    if (a4s_ring_needs_kick(ring)) {
        ++counters_.kicks_sent;
        return write_socket(make_empty(A4S_KICK));
    }
    return true;
}

void Link::read_socket() {
    if (closed_) {
        return;
    }
    std::uint8_t buffer[65536];
    for (;;) {
        ssize_t n = 0;
        if (side_ == Side::qemu) {
            // The QEMU side may receive a descriptor with SHM_OFFER: recvmsg by hand.
            iovec iov{buffer, sizeof(buffer)};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof(control);
            n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
            if (n > 0) {
                for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
                    if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                        if (received_fd_ >= 0) {
                            ::close(received_fd_);
                        }
                        std::memcpy(&received_fd_, CMSG_DATA(cm), sizeof(int));
                    }
                }
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                return;
            }
            if (n < 0) {
                close(std::string("connection error: ") + std::strerror(errno));
                return;
            }
        } else {
            boost::system::error_code ec;
            n = static_cast<ssize_t>(socket_.read_some(boost::asio::buffer(buffer), ec));
            if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
                return;
            }
            if (ec && ec != boost::asio::error::eof) {
                close("connection error: " + ec.message());
                return;
            }
        }
        if (n == 0) {
            close("the peer closed the connection without saying goodbye");
            return;
        }
        if (!reader_.feed(buffer, static_cast<std::size_t>(n))) {
            close("protocol error from the peer: " + reader_.error());
            return;
        }
        while (auto m = reader_.next()) {
            ++counters_.received_socket;
            bool consumed = false;
            handle_control(*m, consumed);
            if (!consumed) {
                queue_.push_back(std::move(*m));
            }
        }
    }
}

void Link::handle_control(Message& m, bool& consumed) {
    if (m.header.type == A4S_KICK) {
        ++counters_.kicks_received;
        consumed = true;
    } else if (m.header.type == A4S_GOODBYE) {
        a4s_goodbye g{};
        std::memcpy(g.reason, m.payload.data(), std::min(m.payload.size(), sizeof(g.reason) - 1));
        close(std::string("the peer said goodbye: ") + g.reason);
        consumed = true;
    }
}

std::optional<Message> Link::take_from_ring() {
    if (!region_ || closed_) {
        return std::nullopt;
    }
    std::uint32_t len = 0;
    std::uint32_t available = 0;
    const std::uint8_t* at = a4s_ring_peek(inbound(), region_->ring_size(), &len, &available);
    if (at == nullptr) {
        return std::nullopt;
    }
    a4s_header h{};
    if (available < kHeaderSize) {
        close("corrupt message in the shared ring (truncated header)");
        return std::nullopt;
    }
    std::memcpy(&h, at, kHeaderSize);
    if (auto why = check_header(h)) {
        close("corrupt message in the shared ring: " + *why);
        return std::nullopt;
    }
    if (h.size != len || h.size > available) {
        close("corrupt message in the shared ring (size beyond the data written)");
        return std::nullopt;
    }
    Message m;
    m.header = h;
    m.payload.assign(at + kHeaderSize, at + h.size);
    a4s_ring_release(inbound(), h.size);
    ++counters_.received_ring;
    return m;
}

std::optional<Message> Link::take() {
    if (!queue_.empty()) {
        Message m = std::move(queue_.front());
        queue_.pop_front();
        return m;
    }
    if (auto m = take_from_ring()) {
        return m;
    }
    return std::nullopt;
}

std::optional<Message> Link::poll() {
    if (auto m = take()) {
        return m;
    }
    read_socket();
    return take();
}

std::optional<Message> Link::wait(std::chrono::nanoseconds timeout, std::chrono::nanoseconds spin) {
    const auto start = Clock::now();
    const auto spin_end = start + std::min(spin, timeout);
    const auto end = start + timeout;
    // Spinning on the ring only: the socket costs a system call per look.
    std::uint32_t spins = 0;
    while (Clock::now() < spin_end && region_ && !closed_) {
        if (auto m = take()) {
            return m;
        }
        ++spins;
        if ((spins & 0x3FF) == 0) {
            read_socket();
        }
        if ((spins & 0x3F) == 0) {
            // When QEMU's vCPU shares this core, spinning only delays the reply we wait for:
            // let it run (a no-op when the core has nothing else to do).
            sched_yield();
        }
        cpu_relax();
    }
    for (;;) {
        if (auto m = poll()) {
            return m;
        }
        if (closed_) {
            return std::nullopt;
        }
        const auto now = Clock::now();
        if (now >= end) {
            return std::nullopt;
        }
        if (region_ && !a4s_ring_prepare_sleep(inbound())) {
            continue;
        }
        ++counters_.sleeps;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - now).count();
        pollfd p{socket_.native_handle(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::max<long long>(1, std::min<long long>(left, 1000))));
        if (region_) {
            a4s_ring_awake(inbound());
        }
    }
}

void Link::offer_shared_memory(std::uint32_t ring_size) {
    auto region = SharedRegion::create(ring_size);
    Message offer = make_request(A4S_SHM_OFFER, 0, region->offer());
    offer.header.flags = A4S_F_POSTED;
    offer.header.size = static_cast<std::uint32_t>(kHeaderSize + offer.payload.size());
    if (write_socket(offer, region->fd())) {
        region_ = std::move(region);
    }
}

bool Link::accept_shared_memory(const Message& offer_message) {
    a4s_shm_offer offer{};
    if (!offer_message.read_as(offer)) {
        close("malformed SHM_OFFER");
        return false;
    }
    if (received_fd_ < 0) {
        read_socket();
    }
    if (received_fd_ < 0) {
        close("SHM_OFFER arrived without a descriptor");
        return false;
    }
    const int fd = received_fd_;
    received_fd_ = -1;
    try {
        region_ = SharedRegion::map(fd, offer);
    } catch (const std::exception& e) {
        close(e.what());
        return false;
    }
    return true;
}

} // namespace aie4sim::cosim
