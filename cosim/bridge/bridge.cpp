#include "cosim/bridge/bridge.h"

#include "common/log.h"
#include "pcie/tlm_extensions.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cmath>
#include <optional>
#include <poll.h>
#include <unistd.h>

namespace aie4sim::cosim {

namespace {

constexpr const char* kLog = "bridge";

struct Hex {
    std::uint64_t v;
};
std::ostream& operator<<(std::ostream& os, Hex h) {
    return os << "0x" << std::hex << h.v << std::dec;
}

std::string function_name(unsigned fn) {
    return fn == 0 ? "PF" : "VF" + std::to_string(fn);
}

std::uint16_t status_of(tlm::tlm_response_status s) {
    switch (s) {
    case tlm::TLM_OK_RESPONSE:
        return A4S_OK;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
        return A4S_E_UNSUPPORTED;
    default:
        return A4S_E_ABORT;
    }
}

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

Bridge::Bridge(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
               BridgeOptions options)
    : sc_core::sc_module(name), config_out("config_out"), mem_out("mem_out"), host_in("host_in"),
      endpoint_(endpoint), options_(std::move(options)) {
    host_in.register_b_transport(this, &Bridge::host_transport);
    config_out.bind(endpoint_.config_in);
    mem_out.bind(endpoint_.mem_in);
    endpoint_.outbound.bind(host_in);
    endpoint_.on_vf_change([this](bool, unsigned) {
        pending_events_ |= A4S_EV_VFS_CHANGED;
        vfs_changed_ = true;
    });
    endpoint_.pf().on_reset([this](pcie::ResetKind kind) {
        vfs_changed_ = true;
        if (kind == pcie::ResetKind::function_level) {
            pending_events_ |= A4S_EV_FUNCTION_RESET;
        }
    });
    for (unsigned n = 1; n <= endpoint_.total_vfs(); ++n) {
        endpoint_.vf(n).on_reset([this, n](pcie::ResetKind kind) {
            if (kind == pcie::ResetKind::function_level) {
                pending_events_ |= A4S_EV_FUNCTION_RESET;
                vf_flrs_.insert(n);
            }
        });
    }
}

Bridge::~Bridge() = default;

std::uint64_t Bridge::now_ns() const {
    return static_cast<std::uint64_t>(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9));
}

void Bridge::stamp(Message& m) const {
    m.header.time_ns = now_ns();
}

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

int Bridge::serve(std::unique_ptr<Link> link) {
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    }
    add_peer(std::move(link));
    int status = 1;
    bool idle = false; // the last wait timed out
    for (;;) {
        if (reap_peers(status)) {
            break;
        }
        take_in_new_peers();
        accept_connections();
        if (serve_round()) {
            idle = false;
            continue;
        }
        if (run_wall_alarms()) {
            continue;
        }
        if (options_.mode == TimeMode::free && sc_core::sc_pending_activity()) {
            idle = false;
            advance_free();
            send_notices();
            continue;
        }
        // After a second without anything, spinning again would only burn CPU. A shorter wait
        // (a wall-clock alarm falls due) that times out says nothing about QEMU.
        const std::chrono::nanoseconds wait = idle_wait();
        wait_for_any(wait, idle);
        idle = wait >= std::chrono::seconds(1);
    }
    end_peers(status == 0 ? "the host QEMU left" : "the model lost its host QEMU");
    // The links' sockets may belong to the caller's io_context: none outlives serving.
    peers_.clear();
    host_ = nullptr;
    {
        const std::lock_guard<std::mutex> lock(adopt_mutex_);
        adopted_.clear();
    }
    return status;
}

bool Bridge::run_wall_alarms() {
    if (options_.mode != TimeMode::free || options_.wall_alarms == nullptr) {
        return false;
    }
    return options_.wall_alarms->run_due() != 0;
}

std::chrono::nanoseconds Bridge::idle_wait() const {
    std::chrono::nanoseconds wait = std::chrono::seconds(1);
    if (options_.mode == TimeMode::free && options_.wall_alarms != nullptr) {
        if (const auto due = options_.wall_alarms->next_due()) {
            const auto left = *due - common::WallClockAlarms::Clock::now();
            wait = std::clamp<std::chrono::nanoseconds>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(left),
                std::chrono::nanoseconds(0), wait);
        }
    }
    return wait;
}

void Bridge::advance_free() {
    if (sc_core::sc_pending_activity_at_current_time()) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } else {
        sc_core::sc_start(sc_core::sc_time_to_pending_activity());
    }
}

void Bridge::reply(Peer& p, const Message& request, std::uint16_t status, const void* data,
                   std::size_t size) {
    if (request.is_posted()) {
        return;
    }
    Message r = make_reply(request, status, data, size);
    stamp(r);
    p.link->send(std::move(r));
    p.link->set_peer_waits_for_reply(false);
}

unsigned Bridge::function_of(const Peer& p, const Message& m) {
    return p.role == Peer::Role::guest ? p.vf : m.header.function;
}

void Bridge::handle(Peer& p, Message& m) {
    if (m.is_reply()) {
        AIE4SIM_LOG(warn, kLog,
                    describe(p) << ": unexpected " << type_name(m.header.type) << " reply (id "
                                << m.header.id << ") dropped");
        return;
    }
    if (!p.said_hello) {
        if (!on_hello(p, m)) {
            p.link->close("no HELLO");
        }
        return;
    }
    if (handle_first(p, m)) {
        return;
    }
    if (&p == host_ && m.header.time_ns > qemu_time_ns_) {
        qemu_time_ns_ = m.header.time_ns;
    }
    // QEMU's caller waits for our reply until we send it, and serves our DMA meanwhile: what we
    // send it then needs no KICK of its main loop, which would only wait for the BQL the caller
    // holds.
    p.link->set_peer_waits_for_reply(!m.is_posted());
    struct PeerDone {
        Link& link;
        PeerDone(const PeerDone&) = delete;
        PeerDone& operator=(const PeerDone&) = delete;
        ~PeerDone() { link.set_peer_waits_for_reply(false); }
    } done{*p.link};
    switch (m.header.type) {
    case A4S_CFG_READ:
        on_config_read(p, m);
        break;
    case A4S_CFG_WRITE:
        on_config_write(p, m);
        break;
    case A4S_MMIO_READ:
        on_mmio(p, m, false);
        break;
    case A4S_MMIO_WRITE:
        on_mmio(p, m, true);
        break;
    case A4S_LAYOUT:
        on_layout(p, m);
        break;
    case A4S_SYNC:
        on_sync(p, m);
        break;
    case A4S_RESET:
        on_reset(p, m);
        break;
    case A4S_GUEST_RAM:
        on_guest_ram(p, m);
        break;
    case A4S_ATTACH:
        on_attach(p, m);
        break;
    case A4S_DETACH:
        on_detach(p, m);
        break;
    default:
        ++counters_.malformed;
        AIE4SIM_LOG(warn, kLog,
                    describe(p) << " sent an unexpected " << type_name(m.header.type)
                                << " request; refused");
        reply(p, m, A4S_E_MALFORMED);
        break;
    }
    send_notices();
}

tlm::tlm_response_status Bridge::access(tlm_utils::simple_initiator_socket<Bridge>& socket,
                                        bool write, std::uint64_t address, std::uint8_t* data,
                                        unsigned size) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(address);
    t.set_data_ptr(data);
    t.set_data_length(size);
    t.set_streaming_width(size);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, delay);
    return t.get_response_status();
}

void Bridge::on_config_read(Peer& p, const Message& m) {
    ++counters_.config_reads;
    a4s_cfg_read req{};
    if (!m.read_as(req) || (req.size != 1 && req.size != 2 && req.size != 4) ||
        req.offset + req.size > 4096) {
        ++counters_.malformed;
        reply(p, m, A4S_E_MALFORMED);
        return;
    }
    std::uint8_t data[4] = {};
    const unsigned function = function_of(p, m);
    const std::uint64_t address = (std::uint64_t{function} << sriov::kFunctionShift) | req.offset;
    const auto status = access(config_out, false, address, data, req.size);
    a4s_cfg_read_reply out{};
    std::memcpy(&out.value, data, req.size);
    AIE4SIM_LOG(trace, kLog,
                function_name(function) << " config read " << Hex{req.offset} << "/" << req.size
                                        << " = " << Hex{out.value});
    if (status != tlm::TLM_OK_RESPONSE) {
        reply(p, m, status_of(status));
        return;
    }
    reply(p, m, A4S_OK, &out, sizeof out);
}

void Bridge::on_config_write(Peer& p, const Message& m) {
    ++counters_.config_writes;
    a4s_cfg_write req{};
    if (!m.read_as(req) || (req.size != 1 && req.size != 2 && req.size != 4) ||
        req.offset + req.size > 4096) {
        ++counters_.malformed;
        reply(p, m, A4S_E_MALFORMED);
        return;
    }
    const unsigned function = function_of(p, m);
    const std::uint64_t base = std::uint64_t{function} << sriov::kFunctionShift;
    std::uint8_t data[4] = {};
    std::memcpy(data, &req.value, req.size);
    pending_events_ = 0;
    AIE4SIM_LOG(trace, kLog,
                function_name(function) << " config write " << Hex{req.offset} << "/" << req.size
                                        << " = " << Hex{req.value});
    const auto status = access(config_out, true, base | req.offset, data, req.size);
    if (p.role == Peer::Role::guest) {
        vf_flrs_.erase(p.vf); // a reset the guest asked for is in its own reply's events
    }
    if (status != tlm::TLM_OK_RESPONSE) {
        reply(p, m, status_of(status));
        return;
    }
    a4s_cfg_write_reply out{};
    std::uint8_t dword[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    access(config_out, false, base | (req.offset & ~3u), dword, 4);
    std::memcpy(&out.dword, dword, 4);
    out.events = pending_events_;
    const sriov::SriovCapability& sr = endpoint_.sriov();
    if (p.role == Peer::Role::guest) {
        // A guest sees one plain function: nothing of the PF's SR-IOV state.
        out.events &= A4S_EV_FUNCTION_RESET;
        out.vf_mse = sr.vf_memory_enabled() ? 1 : 0;
        reply(p, m, A4S_OK, &out, sizeof out);
        return;
    }
    out.num_vfs = static_cast<std::uint16_t>(sr.vf_enabled() ? sr.num_vfs() : 0);
    out.first_vf_offset = sr.first_vf_offset();
    out.vf_stride = sr.vf_stride();
    out.vf_mse = sr.vf_memory_enabled() ? 1 : 0;
    reply(p, m, A4S_OK, &out, sizeof out);
}

// A guest addresses its VF's BAR by offset; the VF's bus address is the host's business. The
// access must land in that very VF's BAR as the endpoint decodes it now (VF Enable, VF MSE,
// NumVFs): anything else is fenced off, so a guest can never reach the PF or another VF.
bool Bridge::guest_mmio_address(Peer& p, const a4s_mmio& req, std::uint64_t& address) {
    const sriov::SriovCapability& sr = endpoint_.sriov();
    const unsigned bar = req.bar_hint;
    if (bar >= pcie::kBarCount || !endpoint_.vf_present(p.vf)) {
        return false;
    }
    const std::uint64_t size = sr.vf_bar_size(bar);
    if (size == 0 || req.address >= size || req.address + req.size > size) {
        return false;
    }
    address = sr.vf_bar_base(bar) + (std::uint64_t{p.vf} - 1) * size + req.address;
    const auto route = endpoint_.route(address, req.size);
    return route && route->function == p.vf && route->bar == bar;
}

void Bridge::on_mmio(Peer& p, const Message& m, bool write) {
    ++(write ? counters_.mmio_writes : counters_.mmio_reads);
    a4s_mmio req{};
    const bool parsed = m.read_as(req);
    const bool size_ok = req.size == 1 || req.size == 2 || req.size == 4 || req.size == 8;
    if (!parsed || !size_ok || (write && m.payload.size() < sizeof req + req.size)) {
        ++counters_.malformed;
        AIE4SIM_LOG(warn, kLog,
                    describe(p) << ": malformed MMIO " << (write ? "write" : "read") << " of size "
                                << req.size << " refused");
        reply(p, m, A4S_E_MALFORMED);
        return;
    }
    std::uint64_t address = req.address;
    if (p.role == Peer::Role::guest) {
        if (!guest_mmio_address(p, req, address)) {
            ++counters_.fenced;
            AIE4SIM_LOG(debug, kLog,
                        describe(p) << ": MMIO " << (write ? "write" : "read") << " at BAR"
                                    << unsigned{req.bar_hint} << "+" << Hex{req.address}
                                    << " is outside its VF as the host decodes it now; refused");
            reply(p, m, A4S_E_UNSUPPORTED);
            return;
        }
    } else if (auto route = endpoint_.route(req.address, req.size);
               route && (route->function != m.header.function || route->bar != req.bar_hint)) {
        AIE4SIM_LOG(warn, kLog,
                    "QEMU mapped " << Hex{req.address} << " as " << function_name(m.header.function)
                                   << " BAR" << unsigned{req.bar_hint} << " but it decodes to "
                                   << function_name(route->function) << " BAR" << route->bar);
    }
    std::uint8_t data[8] = {};
    if (write) {
        std::memcpy(data, m.payload.data() + sizeof req, req.size);
    }
    const auto status = access(mem_out, write, address, data, req.size);
    if (status != tlm::TLM_OK_RESPONSE) {
        AIE4SIM_LOG(debug, kLog,
                    "MMIO " << (write ? "write" : "read") << " at " << Hex{address}
                            << " failed: " << status_name(status_of(status)));
        reply(p, m, status_of(status));
        return;
    }
    if (write) {
        reply(p, m, A4S_OK);
    } else {
        reply(p, m, A4S_OK, data, req.size);
    }
}

void Bridge::on_layout(Peer& p, const Message& m) {
    a4s_layout out{};
    const pcie::Function& pf = endpoint_.pf();
    const pcie::FunctionConfig& pfc = pf.function_config();
    const sriov::SriovCapability& sr = endpoint_.sriov();
    out.vendor_id = pfc.identity.vendor_id;
    out.device_id = pfc.identity.device_id;
    out.vf_device_id = sr.config().vf_device_id;
    out.total_vfs = static_cast<std::uint16_t>(endpoint_.total_vfs());
    out.express_offset = pf.express_offset();
    out.msix_offset = pf.msix_offset();
    out.ari_offset = pf.ari_offset();
    out.sriov_offset = sr.offset();
    out.first_vf_offset = sr.first_vf_offset();
    out.vf_stride = sr.vf_stride();
    if (endpoint_.total_vfs() > 0) {
        out.vf_express_offset = endpoint_.vf(1).express_offset();
        out.vf_ari_offset = endpoint_.vf(1).ari_offset();
    }
    out.class_code = pfc.identity.class_code;
    out.supported_page_sizes = sr.config().supported_page_sizes;
    for (unsigned i = 0; i < pcie::kBarCount; ++i) {
        auto describe_bar = [](const pcie::BarConfig& b, std::uint64_t size, a4s_bar& o) {
            if (!b.implemented()) {
                return;
            }
            o.size = size;
            o.flags = A4S_BAR_IMPLEMENTED | (b.is_64bit ? A4S_BAR_64BIT : 0) |
                      (b.prefetchable ? A4S_BAR_PREFETCH : 0);
        };
        describe_bar(pfc.bars[i], pfc.bars[i].size, out.pf_bars[i]);
        describe_bar(sr.config().vf.bars[i], sr.vf_bar_size(i), out.vf_bars[i]);
    }
    reply(p, m, A4S_OK, &out, sizeof out);
}

void Bridge::on_sync(Peer& p, const Message& m) {
    ++counters_.syncs;
    a4s_sync req{};
    if (!m.read_as(req)) {
        reply(p, m, A4S_E_MALFORMED);
        return;
    }
    // Only the host's QEMU sets the pace of simulated time; a guest's SYNC is answered.
    if (options_.mode == TimeMode::lockstep && &p == host_) {
        const sc_core::sc_time target(static_cast<double>(req.time_ns), sc_core::SC_NS);
        if (target > sc_core::sc_time_stamp()) {
            sc_core::sc_start(target - sc_core::sc_time_stamp());
        } else if (sc_core::sc_pending_activity_at_current_time()) {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
        }
    }
    a4s_sync out{now_ns()};
    reply(p, m, A4S_OK, &out, sizeof out);
}

void Bridge::on_reset(Peer& p, const Message& m) {
    if (p.role == Peer::Role::guest) {
        // A guest VM's reset resets its function, never the device.
        AIE4SIM_LOG(info, kLog, describe(p) << " reset: FLR of VF" << p.vf);
        reset_vf(p.vf);
        vf_flrs_.erase(p.vf);
        reply(p, m, A4S_OK);
        return;
    }
    AIE4SIM_LOG(info, kLog, "system reset from QEMU");
    endpoint_.cold_reset();
    reply(p, m, A4S_OK);
}

void Bridge::on_guest_ram(Peer& p, const Message& m) {
    a4s_guest_ram head{};
    const std::uint32_t count = m.read_as(head) ? head.count : 0;
    std::vector<int> fds = p.link->take_descriptors(count);
    p.awaiting_ram = false;
    if (!options_.dma_direct) {
        for (int fd : fds) {
            ::close(fd);
        }
        return;
    }
    try {
        p.guest_ram = GuestRam::map(m, fds);
        AIE4SIM_LOG(info, kLog,
                    describe(p) << " shares its guest RAM: " << p.guest_ram->describe()
                                << "; DMA goes straight into it"
                                << (p.guest_ram->has_windows()
                                        ? " (no IOMMU: the model translates it, no round trip)"
                                        : ""));
    } catch (const std::exception& e) {
        ++counters_.malformed;
        AIE4SIM_LOG(warn, kLog, "guest RAM not used (" << e.what() << "); DMA goes by messages");
    }
}

std::optional<Message> Bridge::await_reply(Peer& p, std::uint32_t id) {
    Link& link = *p.link;
    const auto deadline = std::chrono::steady_clock::now() + options_.reply_timeout;
    while (!link.closed()) {
        const auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::nanoseconds(0)) {
            link.close("QEMU did not answer a request within " +
                       std::to_string(options_.reply_timeout.count()) + " s");
            break;
        }
        auto m = link.wait(std::chrono::duration_cast<std::chrono::nanoseconds>(left));
        if (!m) {
            continue;
        }
        if (m->is_reply() && m->header.id == id) {
            return m;
        }
        if (m->is_reply()) {
            AIE4SIM_LOG(warn, kLog, "stray " << type_name(m->header.type) << " reply dropped");
            continue;
        }
        p.deferred.push_back(std::move(*m)); // served by the main loop afterwards
    }
    return std::nullopt;
}

std::optional<Message> Bridge::call(Peer& p, Message m) {
    m.header.id = next_id_++;
    stamp(m);
    const std::uint32_t id = m.header.id;
    if (!p.link->send(std::move(m))) {
        return std::nullopt;
    }
    return await_reply(p, id);
}

bool Bridge::dma_by_messages(Peer& p, const DmaRequest& dr) {
    for (std::uint32_t done = 0; done < dr.length;) {
        const std::uint32_t chunk = std::min<std::uint32_t>(A4S_MAX_DMA_CHUNK, dr.length - done);
        a4s_dma req{};
        req.address = dr.address + done;
        req.size = chunk;
        req.flags = dr.flags;
        const auto fn = static_cast<std::uint16_t>(dr.function);
        auto r = call(p, dr.write ? make_request(A4S_DMA_WRITE, fn, req, dr.data + done, chunk)
                                  : make_request(A4S_DMA_READ, fn, req));
        if (!r || r->header.status != A4S_OK) {
            AIE4SIM_LOG(warn, kLog,
                        function_name(dr.function) << " DMA " << (dr.write ? "write" : "read")
                                                   << " at " << Hex{req.address} << " failed: "
                                                   << (r ? status_name(r->header.status)
                                                         : p.link->closed_reason().c_str()));
            return false;
        }
        if (!dr.write) {
            if (r->payload.size() != chunk) {
                return false;
            }
            std::memcpy(dr.data + done, r->payload.data(), chunk);
        }
        a4s_stat_add(&p.link->presence().dma.message_bytes, chunk);
        done += chunk;
    }
    return true;
}

// QEMU translates the range as the function would reach it (IOMMU, permissions) into extents
// of the guest RAM it shares; the model then copies. Extents that are not shared RAM, and a
// reply that does not add up, go by messages instead: nothing QEMU sends is trusted.
bool Bridge::dma_direct(Peer& p, const DmaRequest& dr) {
    a4s_presence& me = p.link->presence();
    for (std::uint32_t done = 0; done < dr.length;) {
        a4s_dma_map req{};
        req.address = dr.address + done;
        req.size = std::min<std::uint32_t>(A4S_MAX_DMA_MAP, dr.length - done);
        req.flags = dr.flags | (dr.write ? A4S_DMA_MAP_WRITE : 0);
        auto r = call(p, make_request(A4S_DMA_MAP, static_cast<std::uint16_t>(dr.function), req));
        ++counters_.dma_maps;
        a4s_stat_add(&me.dma.maps, 1);
        if (!r || r->header.status != A4S_OK) {
            AIE4SIM_LOG(warn, kLog,
                        function_name(dr.function) << " DMA " << (dr.write ? "write" : "read")
                                                   << " at " << Hex{req.address} << " failed: "
                                                   << (r ? status_name(r->header.status)
                                                         : p.link->closed_reason().c_str()));
            return false;
        }
        a4s_dma_map_reply head{};
        (void)r->read_as(head); // check_header made sure the fixed part is there
        const std::size_t room = (r->payload.size() - sizeof head) / sizeof(a4s_dma_extent);
        std::vector<a4s_dma_extent> extents(std::min<std::size_t>(head.count, room));
        std::uint64_t covered = 0;
        for (std::size_t k = 0; k < extents.size(); ++k) {
            (void)r->read_as(extents[k], sizeof head + k * sizeof(a4s_dma_extent));
            covered += extents[k].length;
        }
        if (head.count > room || head.mapped == 0 || head.mapped > req.size ||
            covered != head.mapped) {
            ++counters_.malformed;
            AIE4SIM_LOG(warn, kLog,
                        "QEMU's DMA_MAP reply for " << Hex{req.address}
                                                    << " does not add up; by messages instead");
            DmaRequest rest = dr;
            rest.address += done;
            rest.data += done;
            rest.length -= done;
            return dma_by_messages(p, rest);
        }
        a4s_stat_add(&me.dma.extents, extents.size());
        std::uint32_t at = done;
        for (const a4s_dma_extent& e : extents) {
            std::uint8_t* ram =
                e.block == A4S_RAM_NONE ? nullptr : p.guest_ram->at(e.block, e.offset, e.length);
            if (ram == nullptr) {
                if (e.block != A4S_RAM_NONE) {
                    ++counters_.malformed;
                    AIE4SIM_LOG(warn, kLog,
                                "QEMU's DMA_MAP named guest RAM outside its blocks; "
                                "by messages instead");
                }
                DmaRequest piece{dr.function,     dr.write,     dr.flags,
                                 dr.address + at, dr.data + at, e.length};
                if (!dma_by_messages(p, piece)) {
                    return false;
                }
            } else {
                if (dr.write) {
                    std::memcpy(ram, dr.data + at, e.length);
                } else {
                    std::memcpy(dr.data + at, ram, e.length);
                }
                counters_.dma_direct_bytes += e.length;
                a4s_stat_add(&me.dma.direct_bytes, e.length);
            }
            at += e.length;
        }
        done += static_cast<std::uint32_t>(head.mapped);
    }
    return true;
}

bool Bridge::dma(Peer& p, tlm::tlm_generic_payload& trans, unsigned function) {
    const auto start = std::chrono::steady_clock::now();
    DmaRequest dr{};
    dr.function = function;
    dr.write = trans.is_write();
    dr.flags = trans.get_extension<pcie::TranslatedExtension>() != nullptr ? A4S_DMA_TRANSLATED : 0;
    dr.address = trans.get_address();
    dr.data = trans.get_data_ptr();
    dr.length = trans.get_data_length();
    // The data is in guest RAM before this returns: an MSI-X the device signals next goes
    // through the ring after it (a release store), so it can never overtake the data.
    bool ok = false;
    std::uint8_t* local = p.guest_ram && dr.flags == 0 && dr.length != 0
                              ? p.guest_ram->translate(dr.address, dr.length)
                              : nullptr;
    if (local != nullptr) {
        // The peer said where its RAM sits (no IOMMU): no round trip to it at all.
        if (dr.write) {
            std::memcpy(local, dr.data, dr.length);
        } else {
            std::memcpy(dr.data, local, dr.length);
        }
        counters_.dma_direct_bytes += dr.length;
        a4s_stat_add(&p.link->presence().dma.direct_bytes, dr.length);
        ok = true;
    } else {
        ok = p.guest_ram ? dma_direct(p, dr) : dma_by_messages(p, dr);
    }
    a4s_presence& me = p.link->presence();
    a4s_stat_add(&me.dma.requests, 1);
    a4s_stat_add(&me.dma.busy_ns,
                 static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::steady_clock::now() - start)
                                                .count()));
    if (ok) {
        ++(dr.write ? counters_.dma_writes : counters_.dma_reads);
        counters_.dma_bytes += dr.length;
    }
    return ok;
}

void Bridge::host_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    auto* requester = trans.get_extension<pcie::RequesterExtension>();
    const unsigned function = requester != nullptr ? requester->function_index : 0;
    // A function's DMA and MSI-X go to the QEMU that owns it: an attached VF's to its guest,
    // never to the host's memory.
    Peer* owner = owner_of(function);
    if (owner == nullptr || owner->link->closed() || !owner->said_hello) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    if (trans.get_byte_enable_ptr() != nullptr ||
        trans.get_streaming_width() < trans.get_data_length()) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (auto* msi = trans.get_extension<pcie::MsiExtension>()) {
        a4s_msi body{};
        body.address = trans.get_address();
        std::memcpy(&body.data, trans.get_data_ptr(), 4);
        body.vector = static_cast<std::uint16_t>(msi->vector);
        Message m = make_request(A4S_MSI, static_cast<std::uint16_t>(function), body);
        m.header.flags = A4S_F_POSTED;
        stamp(m);
        ++counters_.msis;
        AIE4SIM_LOG(debug, kLog, function_name(function) << " MSI-X vector " << msi->vector);
        trans.set_response_status(owner->link->send(std::move(m))
                                      ? tlm::TLM_OK_RESPONSE
                                      : tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    trans.set_response_status(dma(*owner, trans, function) ? tlm::TLM_OK_RESPONSE
                                                           : tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

} // namespace aie4sim::cosim
