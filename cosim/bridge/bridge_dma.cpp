// The device's outbound traffic: DMA into and out of the memory of the QEMU that owns the
// function (straight into shared guest RAM, or by messages), and MSI-X; and the model's own
// calls to QEMU, whose replies it awaits while keeping other requests for later.
#include "common/log.h"
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"
#include "pcie/tlm_extensions.h"

#include <algorithm>
#include <cstring>

namespace aie4sim::cosim {

using namespace bridge_detail;

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

namespace {

// A DMA the QEMU that owns the function refused, or a connection lost meanwhile.
void log_dma_failure(const Peer& p, unsigned function, bool write, std::uint64_t address,
                     const std::optional<Message>& reply) {
    AIE4SIM_LOG(warn, kLog,
                function_name(function) << " DMA " << (write ? "write" : "read") << " at "
                                        << common::hex(address) << " failed: "
                                        << (reply ? status_name(reply->header.status)
                                                  : p.link->closed_reason().c_str()));
}

} // namespace

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
            log_dma_failure(p, dr.function, dr.write, req.address, r);
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
            log_dma_failure(p, dr.function, dr.write, req.address, r);
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
                        "QEMU's DMA_MAP reply for " << common::hex(req.address)
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
