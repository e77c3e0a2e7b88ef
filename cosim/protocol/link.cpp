#include "cosim/protocol/link.h"

#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace aie4sim::cosim {

namespace {

using Clock = std::chrono::steady_clock;

// A futex sleeper looks at its socket this often: a peer that died cannot wake it.
constexpr std::chrono::milliseconds kFutexSlice{50};
// Descriptors one message may carry (SHM_OFFER: 1, GUEST_RAM: up to A4S_MAX_RAM_BLOCKS).
constexpr std::size_t kMaxDescriptors = A4S_MAX_RAM_BLOCKS;
// Moving off the peer's CPU costs a migration: not more often than this, so that a scheduler
// that keeps pulling the two together (a busy host) is not fought at every message.
// With shared memory, the socket carries only wake-ups and goodbyes.
constexpr std::chrono::milliseconds kSocketLookInterval{1};

} // namespace

Link::Link(Socket socket, Side side) : socket_(std::move(socket)), side_(side) {
    socket_.non_blocking(true);
    local_self_.cpu = A4S_CPU_UNKNOWN;
    local_peer_.cpu = A4S_CPU_UNKNOWN;
    set_spin_limits(spin_limits_);
}

void Link::set_spin_limits(SpinLimits limits) {
    spin_limits_ = limits;
    waiter_.spin_min_ns = limits.floor.count();
    waiter_.spin_max_ns = limits.cap.count();
}

void Link::attach_presence() {
    waiter_.ring = inbound();
    waiter_.ring_size = region_->ring_size();
    a4s_presence* qemu = region_->qemu_presence();
    a4s_presence* model = region_->model_presence();
    if (qemu != nullptr && model != nullptr) {
        self_ = side_ == Side::model ? model : qemu;
        peer_ = side_ == Side::model ? qemu : model;
    }
    self_->cpu = A4S_CPU_UNKNOWN;
    __atomic_fetch_or(&self_->flags, A4S_PRESENCE_FUTEX, __ATOMIC_SEQ_CST);
    waiter_.self = self_;
    waiter_.peer = peer_;
    // Rings mean one machine; over a UNIX socket the kernel names the peer's process, whose
    // waiting thread the model may keep off its own CPU (cpu_spread.h).
    if (is_unix()) {
        ucred cred{};
        socklen_t len = sizeof cred;
        if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
            peer_process_ = cred.pid;
        }
    }
}

bool Link::peer_wakes_futex() const {
    return (__atomic_load_n(&peer_->flags, __ATOMIC_SEQ_CST) & A4S_PRESENCE_FUTEX) != 0;
}

Link::~Link() {
    for (int fd : received_fds_) {
        ::close(fd);
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
        if (region_) {
            // A peer asleep on its futex looks at its socket now, not at its next timeout.
            a4s_ring_wake_consumer(outbound());
        }
    }
}

void Link::say_goodbye(const std::string& reason) {
    if (!closed_) {
        write_socket(make_goodbye(reason));
        close("said goodbye: " + reason);
    }
}

bool Link::write_socket(const Message& m, const std::vector<int>& fds) {
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
    if (!fds.empty()) {
        // Descriptor passing (SCM_RIGHTS) is not something Asio offers: sendmsg by hand.
        if (fds.size() > kMaxDescriptors) {
            close("too many descriptors for one message");
            return false;
        }
        iovec iov{bytes.data(), bytes.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxDescriptors)] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* cm = CMSG_FIRSTHDR(&msg);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(cm), fds.data(), sizeof(int) * fds.size());
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
                         m.header.type == A4S_GOODBYE || m.header.type == A4S_HELLO ||
                         m.header.type == A4S_GUEST_RAM;
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
        a4s_pause();
    }
    ++counters_.sent_ring;
    if (a4s_ring_notify(ring, self_, m.is_reply() || peer_waits_ ? 1 : 0) != 0) {
        ++counters_.kicks_sent;
        return write_socket(make_empty(A4S_KICK));
    }
    return true;
}

bool Link::send_with_descriptors(Message m, const std::vector<int>& fds) {
    m.header.size = static_cast<std::uint32_t>(kHeaderSize + m.payload.size());
    return write_socket(m, fds);
}

std::optional<Message> Link::wait_socket_message(std::uint16_t type,
                                                 std::chrono::nanoseconds timeout) {
    const auto end = Clock::now() + timeout;
    for (;;) {
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (it->header.type == type) {
                Message m = std::move(*it);
                queue_.erase(it);
                return m;
            }
        }
        const auto now = Clock::now();
        if (closed_ || now >= end) {
            return std::nullopt;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - now).count();
        pollfd p{socket_.native_handle(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::max<long long>(1, std::min<long long>(left, 100))));
        read_socket();
    }
}

std::optional<Message> Link::take_socket_message(std::uint16_t type) {
    read_socket();
    for (auto it = queue_.begin(); it != queue_.end(); ++it) {
        if (it->header.type == type) {
            Message m = std::move(*it);
            queue_.erase(it);
            return m;
        }
    }
    return std::nullopt;
}

bool Link::prepare_socket_sleep() {
    if (!queue_.empty() || closed_) {
        return false;
    }
    return !region_ || a4s_ring_prepare_sleep(inbound()) != 0;
}

std::uint32_t* Link::prepare_futex_sleep() {
    if (!queue_.empty() || closed_ || !region_) {
        return nullptr;
    }
    a4s_ring_control* ring = inbound();
    __atomic_store_n(&ring->consumer_sleeping, A4S_SLEEP_FUTEX, __ATOMIC_SEQ_CST);
    if (!a4s_ring_empty(ring)) {
        a4s_ring_awake(ring);
        return nullptr;
    }
    return &ring->consumer_sleeping;
}

void Link::end_socket_sleep() {
    if (region_) {
        a4s_ring_awake(inbound());
    }
}

std::vector<int> Link::take_descriptors(std::size_t count) {
    if (received_fds_.size() < count) {
        read_socket();
    }
    if (received_fds_.size() < count) {
        return {};
    }
    std::vector<int> out(received_fds_.begin(),
                         received_fds_.begin() + static_cast<std::ptrdiff_t>(count));
    received_fds_.erase(received_fds_.begin(),
                        received_fds_.begin() + static_cast<std::ptrdiff_t>(count));
    return out;
}

void Link::read_socket() {
    if (closed_) {
        return;
    }
    std::uint8_t buffer[65536];
    for (;;) {
        // Either side may receive descriptors (SHM_OFFER, GUEST_RAM): recvmsg by hand.
        iovec iov{buffer, sizeof(buffer)};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxDescriptors)] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = ::recvmsg(socket_.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n > 0) {
            for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
                    continue;
                }
                const std::size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t k = 0; k < count; ++k) {
                    int fd = -1;
                    std::memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof(int));
                    received_fds_.push_back(fd);
                }
            }
            if (received_fds_.size() > 2 * kMaxDescriptors) {
                close("the peer sent more descriptors than any message carries");
                return;
            }
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        if (n < 0) {
            close(std::string("connection error: ") + std::strerror(errno));
            return;
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
    a4s_ring_release(inbound(), region_->ring_size(), h.size);
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
    if (region_) {
        const auto now = Clock::now();
        if (now < next_socket_look_) {
            return std::nullopt;
        }
        next_socket_look_ = now + kSocketLookInterval;
    }
    read_socket();
    return take();
}

std::optional<Message> Link::wait(std::chrono::nanoseconds timeout, Expect expect) {
    const auto end = Clock::now() + timeout;
    if (auto m = take()) {
        return m;
    }
    if (region_ && !closed_ && expect != Expect::nothing_soon) {
        if (spread_.apart()) {
            spread_.check(Clock::now());
            a4s_stat_set(&self_->stats.spread_releases, spread_.releases());
        }
        int got = a4s_wait_spin(&waiter_);
        if (got == 0 && waiter_.skipped != 0 && spread_.mode() != SpreadMode::off &&
            spread_.on_shared_cpu(
                self_->cpu, Clock::now(),
                PeerThread{peer_process_, static_cast<pid_t>(__atomic_load_n(&peer_->thread,
                                                                             __ATOMIC_RELAXED))})) {
            a4s_stat_set(&self_->stats.moves, spread_.moves());
            got = a4s_wait_spin(&waiter_);
        }
        if (got != 0) {
            if (auto m = take()) {
                return m;
            }
        }
    }
    for (;;) {
        read_socket();
        if (auto m = take()) {
            return m;
        }
        if (closed_) {
            return std::nullopt;
        }
        const auto now = Clock::now();
        if (now >= end) {
            return std::nullopt;
        }
        if (region_ && peer_wakes_futex()) {
            const auto slice = std::min<std::chrono::nanoseconds>(end - now, kFutexSlice);
            if (a4s_wait_futex(&waiter_, slice.count()) != 0) {
                if (auto m = take()) {
                    return m;
                }
            }
            continue; // a timeout: look at the socket
        }
        if (region_ && !a4s_ring_prepare_sleep(inbound())) {
            continue;
        }
        ++counters_.socket_sleeps;
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
    if (write_socket(offer, {region->fd()})) {
        region_ = std::move(region);
        attach_presence();
    }
}

bool Link::accept_shared_memory(const Message& offer_message) {
    a4s_shm_offer offer{};
    if (!offer_message.read_as(offer)) {
        close("malformed SHM_OFFER");
        return false;
    }
    if (received_fds_.empty()) {
        read_socket();
    }
    if (received_fds_.empty()) {
        close("SHM_OFFER arrived without a descriptor");
        return false;
    }
    const int fd = received_fds_.front();
    received_fds_.pop_front();
    try {
        region_ = SharedRegion::map(fd, offer);
        attach_presence();
    } catch (const std::exception& e) {
        close(e.what());
        return false;
    }
    return true;
}

} // namespace aie4sim::cosim
