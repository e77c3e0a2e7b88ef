#include "cosim/protocol/message.h"

#include <cstdio>

namespace aie4sim::cosim {

const char* type_name(std::uint16_t type) {
    switch (type) {
    case A4S_HELLO:
        return "HELLO";
    case A4S_LAYOUT:
        return "LAYOUT";
    case A4S_CFG_READ:
        return "CFG_READ";
    case A4S_CFG_WRITE:
        return "CFG_WRITE";
    case A4S_MMIO_READ:
        return "MMIO_READ";
    case A4S_MMIO_WRITE:
        return "MMIO_WRITE";
    case A4S_DMA_READ:
        return "DMA_READ";
    case A4S_DMA_WRITE:
        return "DMA_WRITE";
    case A4S_MSI:
        return "MSI";
    case A4S_SYNC:
        return "SYNC";
    case A4S_RESET:
        return "RESET";
    case A4S_KICK:
        return "KICK";
    case A4S_SHM_OFFER:
        return "SHM_OFFER";
    case A4S_GOODBYE:
        return "GOODBYE";
    case A4S_GUEST_RAM:
        return "GUEST_RAM";
    case A4S_DMA_MAP:
        return "DMA_MAP";
    case A4S_ATTACH:
        return "ATTACH";
    case A4S_DETACH:
        return "DETACH";
    case A4S_NOTICE:
        return "NOTICE";
    default:
        return "UNKNOWN";
    }
}

const char* status_name(std::uint16_t status) {
    switch (status) {
    case A4S_OK:
        return "ok";
    case A4S_E_UNSUPPORTED:
        return "unsupported request";
    case A4S_E_ABORT:
        return "aborted";
    case A4S_E_MALFORMED:
        return "malformed message";
    case A4S_E_STATE:
        return "not allowed now";
    case A4S_E_REFUSED:
        return "refused";
    default:
        return "unknown status";
    }
}

std::size_t minimum_payload(std::uint16_t type, bool reply) {
    switch (type) {
    case A4S_HELLO:
        return sizeof(a4s_hello);
    case A4S_LAYOUT:
        return reply ? sizeof(a4s_layout) : 0;
    case A4S_CFG_READ:
        return reply ? sizeof(a4s_cfg_read_reply) : sizeof(a4s_cfg_read);
    case A4S_CFG_WRITE:
        return reply ? sizeof(a4s_cfg_write_reply) : sizeof(a4s_cfg_write);
    case A4S_MMIO_READ:
    case A4S_MMIO_WRITE:
        return reply ? 0 : sizeof(a4s_mmio);
    case A4S_DMA_READ:
    case A4S_DMA_WRITE:
        return reply ? 0 : sizeof(a4s_dma);
    case A4S_MSI:
        return sizeof(a4s_msi);
    case A4S_SYNC:
        return sizeof(a4s_sync);
    case A4S_RESET:
        return reply ? 0 : sizeof(a4s_reset);
    case A4S_SHM_OFFER:
        return sizeof(a4s_shm_offer);
    case A4S_GUEST_RAM:
        return sizeof(a4s_guest_ram);
    case A4S_DMA_MAP:
        return reply ? sizeof(a4s_dma_map_reply) : sizeof(a4s_dma_map);
    case A4S_ATTACH:
        return reply ? 0 : sizeof(a4s_attach);
    case A4S_NOTICE:
        return sizeof(a4s_notice);
    default: // GOODBYE and unknown types carry no fixed part
        return 0;
    }
}

std::optional<std::string> check_header(const a4s_header& h) {
    if (h.size < kHeaderSize) {
        return "message size " + std::to_string(h.size) + " is smaller than the header";
    }
    if (h.size - kHeaderSize > A4S_MAX_PAYLOAD) {
        return "message size " + std::to_string(h.size) + " exceeds the limit";
    }
    // A type this side does not know (>= A4S_TYPE_LIMIT) is a sound frame all the same: a newer
    // minor version may add types, and the receiver answers it with MALFORMED
    // (docs/cosim-protocol.md, compatibility rules). Only type 0 is never valid.
    if (h.type == 0) {
        return "message type 0";
    }
    if ((h.flags & ~(A4S_F_REPLY | A4S_F_POSTED)) != 0) {
        char flags[16];
        std::snprintf(flags, sizeof flags, "0x%x", static_cast<unsigned>(h.flags));
        return std::string("unknown flags ") + flags;
    }
    const bool reply = (h.flags & A4S_F_REPLY) != 0;
    const std::size_t payload = h.size - kHeaderSize;
    // An error reply carries no payload; anything else must hold its fixed part.
    const bool error_reply = reply && h.status != A4S_OK;
    if (!error_reply && payload < minimum_payload(h.type, reply)) {
        return std::string(type_name(h.type)) + (reply ? " reply" : "") + " payload of " +
               std::to_string(payload) + " bytes is too short";
    }
    return std::nullopt;
}

Message make_empty(a4s_type type) {
    Message m;
    m.header.type = static_cast<std::uint16_t>(type);
    m.header.size = kHeaderSize;
    return m;
}

Message make_reply(const Message& request, std::uint16_t status, const void* data,
                   std::size_t size) {
    Message m;
    m.header = request.header;
    m.header.flags = A4S_F_REPLY;
    m.header.status = status;
    m.payload.resize(size);
    if (size != 0) {
        std::memcpy(m.payload.data(), data, size);
    }
    m.header.size = static_cast<std::uint32_t>(kHeaderSize + size);
    return m;
}

Message make_goodbye(const std::string& reason) {
    a4s_goodbye g{};
    std::strncpy(g.reason, reason.c_str(), sizeof(g.reason) - 1);
    Message m = make_request(A4S_GOODBYE, 0, g);
    m.header.flags = A4S_F_POSTED;
    return m;
}

} // namespace aie4sim::cosim
