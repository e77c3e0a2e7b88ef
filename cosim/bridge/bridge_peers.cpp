// The Bridge's connections (protocol 1.2): the host QEMU and the guest QEMUs attached to one VF
// each. Taking connections in, their handshake, ATTACH and DETACH, telling guests what the host
// did to their VF, freeing a VF whose guest has gone, and waiting on all of them at once.
#include "common/log.h"
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"
#include "pcie/express_capability.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <linux/futex.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace aie4sim::cosim {

namespace {

using bridge_detail::kLog;
// A new connection must say HELLO, and send GUEST_RAM after the rings, within these.
constexpr std::chrono::seconds kHelloTimeout{30};
constexpr std::chrono::seconds kGuestRamTimeout{5};
// With a listener, a futex wait is cut this often to look for new connections.
constexpr std::chrono::milliseconds kListenLook{5};
// A futex sleeper looks at the sockets this often: a peer that died cannot wake it.
constexpr std::chrono::milliseconds kFutexSlice{50};

#ifdef SYS_futex_waitv
// Sleeps until the peer of any of `words` wakes its futex (each word must still hold
// A4S_SLEEP_FUTEX), or `timeout` passes. 0 when woken or timed out, -1 with errno ENOSYS when
// the kernel has no futex_waitv (before 5.16).
int wait_on_futexes(const std::vector<std::uint32_t*>& words, std::chrono::nanoseconds timeout) {
    std::vector<futex_waitv> waiters(words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {
        waiters[i] = futex_waitv{};
        waiters[i].val = A4S_SLEEP_FUTEX;
        waiters[i].uaddr = reinterpret_cast<std::uintptr_t>(words[i]);
        waiters[i].flags = FUTEX_32; // shared: the words live in each peer's memfd
    }
    timespec deadline{};
    ::clock_gettime(CLOCK_MONOTONIC, &deadline);
    const std::int64_t ns = deadline.tv_nsec + timeout.count();
    deadline.tv_sec += static_cast<time_t>(ns / 1000000000);
    deadline.tv_nsec = static_cast<long>(ns % 1000000000);
    const long r =
        ::syscall(SYS_futex_waitv, waiters.data(), waiters.size(), 0, &deadline, CLOCK_MONOTONIC);
    return r < 0 && errno == ENOSYS ? -1 : 0;
}
#else
int wait_on_futexes(const std::vector<std::uint32_t*>&, std::chrono::nanoseconds) {
    errno = ENOSYS;
    return -1;
}
#endif

std::string role_name(std::uint32_t role) {
    switch (role) {
    case A4S_ROLE_QEMU:
        return "a QEMU (role 1)";
    case A4S_ROLE_MODEL:
        return "a model (role 2)";
    default:
        return "of unknown role " + std::to_string(role);
    }
}

Message make_notice(std::uint32_t kind, const std::string& why) {
    a4s_notice n{};
    n.kind = kind;
    std::snprintf(n.reason, sizeof n.reason, "%s", why.c_str());
    Message m = make_request(A4S_NOTICE, 0, n);
    m.header.flags = A4S_F_POSTED;
    return m;
}

} // namespace

std::string Bridge::describe(const Peer& p) {
    std::string s = "QEMU #" + std::to_string(p.number);
    if (p.role == Peer::Role::host) {
        s += " (host)";
    } else if (p.role == Peer::Role::guest) {
        s += " (guest, VF" + std::to_string(p.vf) + ")";
    }
    return s;
}

std::uint64_t Bridge::vf_holder(unsigned vf) const {
    for (const auto& p : peers_) {
        if (p->role == Peer::Role::guest && p->vf == vf && !p->link->closed()) {
            return p->number;
        }
    }
    return 0;
}

Peer* Bridge::owner_of(unsigned function) {
    if (function != 0) {
        for (auto& p : peers_) {
            if (p->role == Peer::Role::guest && p->vf == function) {
                return p.get(); // even a closed one: the VF's traffic never falls to the host
            }
        }
    }
    return host_;
}

void Bridge::adopt(std::unique_ptr<Link> link) {
    const std::lock_guard<std::mutex> lock(adopt_mutex_);
    adopted_.push_back(std::move(link));
    adopt_pending_ = true;
}

Peer& Bridge::add_peer(std::unique_ptr<Link> link) {
    auto p = std::make_unique<Peer>();
    p->number = next_peer_number_++;
    p->link = std::move(link);
    p->link->set_spin_limits(options_.spin);
    p->link->set_spread(options_.spread);
    p->hello_deadline = std::chrono::steady_clock::now() +
                        std::min<std::chrono::seconds>(options_.connect_timeout, kHelloTimeout);
    ++counters_.peers_accepted;
    peers_.push_back(std::move(p));
    return *peers_.back();
}

void Bridge::take_in_new_peers() {
    if (!adopt_pending_.load()) {
        return;
    }
    std::vector<std::unique_ptr<Link>> links;
    {
        const std::lock_guard<std::mutex> lock(adopt_mutex_);
        links.swap(adopted_);
        adopt_pending_ = false;
    }
    for (auto& l : links) {
        add_peer(std::move(l));
    }
}

void Bridge::accept_connections() {
    if (listen_fd_ < 0) {
        return;
    }
    for (;;) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) {
            return;
        }
        sockaddr_storage from{};
        socklen_t len = sizeof from;
        const int fd =
            ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC);
        if (fd < 0) {
            return;
        }
        int family = AF_UNIX;
        int protocol = 0;
        if (!listen_unix_) {
            family = from.ss_family;
            protocol = IPPROTO_TCP;
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        Link::Socket s(io_, boost::asio::generic::stream_protocol(family, protocol), fd);
        Peer& peer = add_peer(std::make_unique<Link>(std::move(s), Link::Side::model));
        AIE4SIM_LOG(info, kLog, "QEMU #" << peer.number << " connected");
    }
}

bool Bridge::on_hello(Peer& p, const Message& m) {
    a4s_hello theirs{};
    if (m.header.type != A4S_HELLO || !m.read_as(theirs)) {
        p.link->say_goodbye("the first message must be HELLO");
        AIE4SIM_LOG(error, kLog,
                    "QEMU #" << p.number << "'s first message was " << type_name(m.header.type));
        return false;
    }
    if (theirs.role != A4S_ROLE_QEMU) {
        const std::string why = "the peer says it is " + role_name(theirs.role) +
                                ", the model serves only a QEMU (role " +
                                std::to_string(A4S_ROLE_QEMU) + ")";
        p.link->say_goodbye(why);
        AIE4SIM_LOG(error, kLog, why);
        return false;
    }
    if (theirs.major != A4S_PROTOCOL_MAJOR) {
        p.link->say_goodbye("protocol " + std::to_string(A4S_PROTOCOL_MAJOR) + ".x model, peer " +
                            std::to_string(theirs.major) + "." + std::to_string(theirs.minor));
        AIE4SIM_LOG(error, kLog,
                    "QEMU speaks protocol " << theirs.major << "." << theirs.minor << ", the model "
                                            << A4S_PROTOCOL_MAJOR << "." << A4S_PROTOCOL_MINOR);
        return false;
    }
    a4s_hello ours{};
    ours.major = A4S_PROTOCOL_MAJOR;
    ours.minor = A4S_PROTOCOL_MINOR;
    ours.role = A4S_ROLE_MODEL;
    ours.capabilities = A4S_CAP_LOCKSTEP | A4S_CAP_ATTACH;
    // The rings' format changed in 1.2 (cache-line slots, first word last): an older QEMU is
    // served over the socket alone.
    const bool rings = p.link->is_unix() && theirs.minor >= A4S_RING_FORMAT_MINOR;
    if (rings) {
        ours.capabilities |= A4S_CAP_SHM | (options_.dma_direct ? A4S_CAP_GUEST_RAM : 0);
    } else if (p.link->is_unix()) {
        AIE4SIM_LOG(warn, kLog,
                    "QEMU #" << p.number << " speaks protocol " << theirs.major << "."
                             << theirs.minor << ", older than the rings' format (1."
                             << A4S_RING_FORMAT_MINOR
                             << "): no shared memory, every access goes over the socket");
    }
    std::snprintf(ours.name, sizeof ours.name, "aie4sim model");
    Message r = make_reply_with(m, ours);
    stamp(r);
    p.link->send(std::move(r));
    p.name.assign(theirs.name, strnlen(theirs.name, sizeof theirs.name));
    AIE4SIM_LOG(info, kLog,
                "connected to " << p.name << " as QEMU #" << p.number << " (protocol "
                                << theirs.major << "." << theirs.minor << ", SYNC every "
                                << theirs.quantum_ns << " ns)");
    if (options_.mode == TimeMode::lockstep && theirs.quantum_ns == 0 && p.number == 1) {
        AIE4SIM_LOG(warn, kLog,
                    "lockstep mode, but QEMU sends no SYNC: the model's time will "
                    "not advance (start QEMU's device with quantum-ns set)");
    }
    if ((theirs.capabilities & A4S_CAP_SHM) != 0 && rings) {
        p.link->offer_shared_memory(options_.ring_size);
        AIE4SIM_LOG(info, kLog,
                    "shared-memory rings of " << (options_.ring_size >> 10) << " KiB offered");
    }
    if ((ours.capabilities & theirs.capabilities & A4S_CAP_GUEST_RAM) != 0 &&
        p.link->shared_memory()) {
        p.awaiting_ram = true;
        p.ram_deadline = std::chrono::steady_clock::now() + kGuestRamTimeout;
    }
    p.said_hello = true;
    return !p.link->closed();
}

// The first request after HELLO decides what the connection is: ATTACH makes it a guest, any
// other request the host (one only). True if the request was dealt with here.
bool Bridge::handle_first(Peer& p, Message& m) {
    if (p.role != Peer::Role::undecided) {
        return false;
    }
    if (m.header.type == A4S_ATTACH || m.header.type == A4S_LAYOUT ||
        m.header.type == A4S_GUEST_RAM) {
        return false; // a guest may read the layout before it attaches
    }
    if (host_ != nullptr) {
        ++counters_.fenced;
        AIE4SIM_LOG(warn, kLog,
                    "QEMU #" << p.number << " sent " << type_name(m.header.type)
                             << " before ATTACH, but " << describe(*host_)
                             << " owns the PF; refused");
        reply(p, m, A4S_E_STATE);
        return true;
    }
    p.role = Peer::Role::host;
    host_ = &p;
    return false;
}

void Bridge::on_attach(Peer& p, const Message& m) {
    a4s_attach req{};
    (void)m.read_as(req); // check_header made sure it is there
    auto refuse = [&](std::uint32_t code, const std::string& why) {
        ++counters_.refusals;
        AIE4SIM_LOG(warn, kLog,
                    "QEMU #" << p.number << ": ATTACH to VF" << req.vf << " refused: " << why);
        a4s_refusal out{};
        out.code = code;
        std::snprintf(out.reason, sizeof out.reason, "%s", why.c_str());
        reply(p, m, A4S_E_REFUSED, &out, sizeof out);
    };
    if (p.role == Peer::Role::host) {
        return refuse(A4S_REFUSED_HOST, "this connection already serves the PF");
    }
    if (p.role == Peer::Role::guest) {
        return refuse(A4S_REFUSED_TAKEN, "this connection already holds VF" + std::to_string(p.vf));
    }
    if (req.vf == 0 || req.vf > endpoint_.total_vfs()) {
        return refuse(A4S_REFUSED_BEYOND,
                      "the device has VF1 to VF" + std::to_string(endpoint_.total_vfs()) + " only");
    }
    if (!endpoint_.vf_present(req.vf)) {
        const sriov::SriovCapability& sr = endpoint_.sriov();
        return refuse(A4S_REFUSED_NO_VF,
                      "VF" + std::to_string(req.vf) + " does not exist: " +
                          (sr.vf_enabled()
                               ? "the host enabled " + std::to_string(sr.num_vfs()) + " VFs"
                               : std::string("SR-IOV is not enabled on the host")));
    }
    if (const std::uint64_t holder = vf_holder(req.vf)) {
        return refuse(A4S_REFUSED_TAKEN, "VF" + std::to_string(req.vf) +
                                             " is attached to another VM (QEMU #" +
                                             std::to_string(holder) + ")");
    }
    p.role = Peer::Role::guest;
    p.vf = req.vf;
    p.vf_present = true;
    vf_flrs_.erase(p.vf);
    ++counters_.attaches;
    AIE4SIM_LOG(info, kLog, "QEMU #" << p.number << " (" << p.name << ") attached to VF" << p.vf);
    reply(p, m, A4S_OK);
}

void Bridge::on_detach(Peer& p, const Message& m) {
    if (p.role != Peer::Role::guest) {
        reply(p, m, A4S_E_STATE);
        return;
    }
    release_vf(p, "it detached");
    reply(p, m, A4S_OK);
}

// The VF goes back to the host as a VM leaves it on silicon: reset (FLR), so that nothing of
// that VM's work or state is left for the next one.
void Bridge::release_vf(Peer& p, const std::string& why) {
    const unsigned vf = p.vf;
    p.vf = 0;
    p.role = Peer::Role::undecided;
    if (vf == 0) {
        return;
    }
    AIE4SIM_LOG(info, kLog,
                "VF" << vf << " is free again (QEMU #" << p.number << ": " << why << ")"
                     << (endpoint_.vf_present(vf) ? "; FLR" : ""));
    if (endpoint_.vf_present(vf)) {
        reset_vf(vf);
    }
    vf_flrs_.erase(vf);
}

void Bridge::reset_vf(unsigned vf) {
    const std::uint16_t express = endpoint_.vf(vf).express_offset();
    if (express == 0 || !endpoint_.vf_present(vf)) {
        return;
    }
    std::uint8_t data[2] = {};
    const std::uint16_t flr = pcie::express::kDevCtlInitiateFlr;
    std::memcpy(data, &flr, sizeof flr);
    const std::uint64_t address =
        (std::uint64_t{vf} << sriov::kFunctionShift) | (express + pcie::express::kDeviceControl);
    access(config_out, true, address, data, sizeof data);
    ++counters_.vf_resets;
}

void Bridge::notice(Peer& p, std::uint32_t kind, const std::string& why) {
    ++counters_.notices;
    AIE4SIM_LOG(info, kLog, describe(p) << ": " << why);
    Message m = make_notice(kind, why);
    stamp(m);
    p.link->send(std::move(m));
}

// What the host did to attached VFs, told to their guests after the request that did it.
void Bridge::send_notices() {
    if (!vfs_changed_ && vf_flrs_.empty()) {
        return;
    }
    vfs_changed_ = false;
    for (auto& p : peers_) {
        if (p->role != Peer::Role::guest || p->link->closed()) {
            continue;
        }
        const bool present = endpoint_.vf_present(p->vf);
        const std::string vf = "VF" + std::to_string(p->vf);
        if (p->vf_present && !present) {
            notice(*p, A4S_NOTICE_REMOVED,
                   vf + " was removed by the host (SR-IOV disabled or the PF reset): the VM sees "
                        "a surprise removal");
        } else if (!p->vf_present && present) {
            notice(*p, A4S_NOTICE_RETURNED, vf + " exists again (the host re-enabled SR-IOV)");
        } else if (present && vf_flrs_.count(p->vf) != 0) {
            notice(*p, A4S_NOTICE_RESET, vf + " was reset by the host (FLR)");
        }
        p->vf_present = present;
    }
    vf_flrs_.clear();
}

// Drops connections that have closed: a guest's VF is freed (FLR). True when serving ends: the
// host has gone (its status in `status`), or every connection has.
bool Bridge::reap_peers(int& status) {
    bool host_gone = false;
    for (auto it = peers_.begin(); it != peers_.end();) {
        Peer& p = **it;
        if (!p.said_hello && !p.link->closed() &&
            std::chrono::steady_clock::now() > p.hello_deadline) {
            p.link->close("did not say HELLO in time");
        }
        if (!p.link->closed()) {
            ++it;
            continue;
        }
        const std::string& why = p.link->closed_reason();
        const bool goodbye = why.rfind("the peer said goodbye", 0) == 0;
        // Link's reasons for a peer that is simply gone: end of stream, a reset, a broken pipe.
        const bool vanished = why.rfind("the peer closed the connection", 0) == 0 ||
                              why.rfind("connection error", 0) == 0 ||
                              why.rfind("cannot send to the peer", 0) == 0;
        if (&p == host_) {
            host_gone = true;
            host_ = nullptr;
            if (goodbye) {
                AIE4SIM_LOG(info, kLog, "QEMU left: " << why);
                status = 0;
            } else {
                AIE4SIM_LOG(error, kLog, "lost QEMU: " << why);
                status = vanished ? kExitPeerLost : 1;
            }
        } else {
            if (goodbye) {
                AIE4SIM_LOG(info, kLog, describe(p) << " left: " << why);
            } else {
                AIE4SIM_LOG(warn, kLog, describe(p) << " is gone: " << why);
            }
            if (p.role == Peer::Role::guest) {
                release_vf(p, goodbye ? "its VM left" : "its VM is gone");
            }
            if (peers_.size() == 1) {
                status = goodbye ? 0 : (vanished ? kExitPeerLost : 1);
            }
        }
        it = peers_.erase(it);
    }
    return host_gone || peers_.empty();
}

void Bridge::end_peers(const std::string& why) {
    for (auto& p : peers_) {
        if (!p->link->closed()) {
            if (p->role == Peer::Role::guest) {
                AIE4SIM_LOG(info, kLog, describe(*p) << ": the model ends (" << why << ")");
            }
            p->link->say_goodbye("the model is exiting: " + why);
        }
    }
}

// One message of each connection that has one, in turn: no connection's traffic waits for
// another's to run dry. True if any was served.
bool Bridge::serve_round() {
    bool served = false;
    for (std::size_t i = 0; i < peers_.size(); ++i) {
        Peer& p = *peers_[i];
        if (p.link->closed()) {
            continue;
        }
        if (p.awaiting_ram) {
            if (auto ram = p.link->take_socket_message(A4S_GUEST_RAM)) {
                on_guest_ram(p, *ram);
            } else if (std::chrono::steady_clock::now() > p.ram_deadline) {
                p.awaiting_ram = false;
                AIE4SIM_LOG(warn, kLog,
                            "QEMU #" << p.number
                                     << " offered its guest RAM but did not send it; DMA goes "
                                        "by messages");
            } else {
                continue;
            }
        }
        if (!p.deferred.empty()) {
            Message m = std::move(p.deferred.front());
            p.deferred.pop_front();
            handle(p, m);
            served = true;
        } else if (auto m = p.link->poll()) {
            handle(p, *m);
            served = true;
        }
    }
    return served;
}

void Bridge::wait_for_any(std::chrono::nanoseconds timeout, bool idle) {
    const Link::Expect expect = idle ? Link::Expect::nothing_soon : Link::Expect::soon;
    if (peers_.size() == 1 && !peers_.front()->awaiting_ram) {
        // One connection: Link::wait's spin and futex path, as fast as a lone QEMU can have it.
        Peer& p = *peers_.front();
        if (listen_fd_ >= 0 || options_.accept_guests) {
            timeout = std::min<std::chrono::nanoseconds>(timeout, kListenLook);
        }
        if (auto m = p.link->wait(timeout, expect)) {
            p.deferred.push_front(std::move(*m));
        }
        return;
    }
    // Several connections: no peer's CPU is to be kept off any longer (cpu_spread.h).
    for (auto& p : peers_) {
        p->link->end_spread();
    }
    // Spin over all of them briefly, then sleep on all their ring futexes
    // at once (futex_waitv), or, where that cannot be (a TCP peer, an old kernel), in one
    // poll() on their sockets (and the listener), each peer asked to KICK its socket.
    if (!idle) {
        // As long as one connection's wait may spin (BridgeOptions::spin.cap): a guest's next
        // access usually comes within it, and a futex wake-up costs tens of microseconds on a
        // busy host.
        const auto spin_end = std::chrono::steady_clock::now() + options_.spin.cap;
        while (std::chrono::steady_clock::now() < spin_end) {
            for (auto& p : peers_) {
                if (!p->link->closed() && !p->awaiting_ram) {
                    if (auto m = p->link->poll()) {
                        p->deferred.push_front(std::move(*m));
                        return;
                    }
                }
            }
            a4s_pause();
        }
    }
    if (futex_waitv_ && wait_on_peer_futexes(timeout)) {
        return;
    }
    std::vector<pollfd> fds;
    std::vector<Peer*> asleep;
    for (auto& p : peers_) {
        if (p->link->closed()) {
            return; // reap it first
        }
        if (!p->link->prepare_socket_sleep()) {
            for (Peer* q : asleep) {
                q->link->end_socket_sleep();
            }
            return; // a message is there
        }
        asleep.push_back(p.get());
        fds.push_back(pollfd{p->link->native_handle(), POLLIN, 0});
    }
    if (listen_fd_ >= 0) {
        fds.push_back(pollfd{listen_fd_, POLLIN, 0});
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
    if (adopt_pending_.load() ||
        std::any_of(peers_.begin(), peers_.end(), [](const auto& p) { return p->awaiting_ram; })) {
        ms = 0;
    }
    ::poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(ms, 0, 1000)));
    for (std::size_t i = 0; i < asleep.size(); ++i) {
        asleep[i]->link->end_socket_sleep();
        if (fds[i].revents != 0) {
            asleep[i]->link->pump_socket();
        }
    }
}

// True if it slept (or found a message); false if the connections cannot all be waited on by
// futex (a peer without rings), and the caller should poll() their sockets instead.
bool Bridge::wait_on_peer_futexes(std::chrono::nanoseconds timeout) {
    if (adopt_pending_.load()) {
        return true; // take the new connection in first
    }
    std::vector<std::uint32_t*> words;
    std::vector<Peer*> asleep;
    auto wake_all = [&] {
        for (Peer* q : asleep) {
            q->link->end_socket_sleep();
        }
    };
    for (auto& p : peers_) {
        if (p->link->closed()) {
            wake_all();
            return true; // reap it first
        }
        if (!p->link->shared_memory() || p->awaiting_ram) {
            wake_all();
            return false;
        }
        std::uint32_t* word = p->link->prepare_futex_sleep();
        if (word == nullptr) {
            wake_all();
            return true; // a message is there
        }
        words.push_back(word);
        asleep.push_back(p.get());
    }
    std::chrono::nanoseconds slice = std::min<std::chrono::nanoseconds>(timeout, kFutexSlice);
    if (listen_fd_ >= 0 || options_.accept_guests) {
        slice = std::min<std::chrono::nanoseconds>(slice, kListenLook);
    }
    const auto start = std::chrono::steady_clock::now();
    const int r = wait_on_futexes(words, slice);
    wake_all();
    if (r < 0) {
        futex_waitv_ = false;
        AIE4SIM_LOG(info, kLog,
                    "no futex_waitv on this kernel: several QEMUs wake the model "
                    "through their sockets");
        return false;
    }
    if (std::chrono::steady_clock::now() - start >= slice) {
        for (auto& p : peers_) {
            p->link->pump_socket(); // a peer that died cannot wake a futex
        }
    }
    return true;
}

} // namespace aie4sim::cosim
