// Dispatch: a QEMU's request to the handler of its type, each checked before it reaches the
// endpoint (sizes, a guest fenced to its own VF), and its reply.
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"

#include <cstring>
#include <unistd.h>

namespace aie4sim::cosim {

using namespace bridge_detail;

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

// QEMU's access enters the device between two sc_start() calls, not in a SystemC thread: the
// path's delay annotation has nobody to wait it and is dropped (the timing rule in
// docs/architecture.md; docs/cosim-time.md says how far SystemC time moves instead).
tlm::tlm_response_status Bridge::access(tlm_utils::simple_initiator_socket<Bridge>& socket,
                                        bool write, std::uint64_t address, std::uint8_t* data,
                                        unsigned size) {
    tlm_util::Transaction t(write, address, data, size);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    t.send(socket, delay);
    return t.payload().get_response_status();
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
                function_name(function) << " config read " << common::hex(req.offset) << "/"
                                        << req.size << " = " << common::hex(out.value));
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
                function_name(function) << " config write " << common::hex(req.offset) << "/"
                                        << req.size << " = " << common::hex(req.value));
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
                                    << unsigned{req.bar_hint} << "+" << common::hex(req.address)
                                    << " is outside its VF as the host decodes it now; refused");
            reply(p, m, A4S_E_UNSUPPORTED);
            return;
        }
    } else if (common::log_enabled(common::LogLevel::debug, kLog)) {
        // A check of QEMU's BAR mirror: a second decode of every access (decoding took 8 % of
        // the model's samples in a profile of PF reads, docs/bridge-performance.md), so only
        // when debugging.
        if (auto route = endpoint_.route(req.address, req.size);
            route && (route->function != m.header.function || route->bar != req.bar_hint)) {
            AIE4SIM_LOG(debug, kLog,
                        "QEMU mapped " << common::hex(req.address) << " as "
                                       << function_name(m.header.function) << " BAR"
                                       << unsigned{req.bar_hint} << " but it decodes to "
                                       << function_name(route->function) << " BAR" << route->bar);
        }
    }
    std::uint8_t data[8] = {};
    if (write) {
        std::memcpy(data, m.payload.data() + sizeof req, req.size);
    }
    const auto status = access(mem_out, write, address, data, req.size);
    if (status != tlm::TLM_OK_RESPONSE) {
        AIE4SIM_LOG(debug, kLog,
                    "MMIO " << (write ? "write" : "read") << " at " << common::hex(address)
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

} // namespace aie4sim::cosim
