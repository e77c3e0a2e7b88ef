#pragma once
// Messages of the co-simulation protocol (layouts in aie4sim_wire.h): an owning message type,
// checks of everything a peer sends, and typed access to payloads. Plain C++: no SystemC.

#include "cosim/protocol/aie4sim_wire.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace aie4sim::cosim {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the wire format is little-endian and this implementation maps it directly");

inline constexpr std::uint32_t kHeaderSize = sizeof(a4s_header);

struct Message {
    a4s_header header{};
    std::vector<std::uint8_t> payload;

    // The raw type: a peer may send any value, and one outside a4s_type's range must not be
    // cast to it (undefined behaviour).
    [[nodiscard]] std::uint16_t type() const { return header.type; }
    [[nodiscard]] bool is_reply() const { return (header.flags & A4S_F_REPLY) != 0; }
    [[nodiscard]] bool is_posted() const { return (header.flags & A4S_F_POSTED) != 0; }

    // Copies a fixed payload struct out; false if the payload is too short for it.
    template <class T> [[nodiscard]] bool read_as(T& out, std::size_t offset = 0) const {
        if (payload.size() < offset + sizeof(T)) {
            return false;
        }
        std::memcpy(&out, payload.data() + offset, sizeof(T));
        return true;
    }
};

const char* type_name(std::uint16_t type);
const char* status_name(std::uint16_t status);

// A header as received: nullopt if acceptable, else why not. `available` is how many bytes
// the transport holds for this message (the message must fit in it).
std::optional<std::string> check_header(const a4s_header& header);

// A request and its fixed payload struct, with optional trailing data.
template <class T>
Message make_request(a4s_type type, std::uint16_t function, const T& body,
                     const void* data = nullptr, std::size_t data_size = 0) {
    Message m;
    m.header.type = static_cast<std::uint16_t>(type);
    m.header.function = function;
    m.payload.resize(sizeof(T) + data_size);
    std::memcpy(m.payload.data(), &body, sizeof(T));
    if (data_size != 0) {
        std::memcpy(m.payload.data() + sizeof(T), data, data_size);
    }
    m.header.size = static_cast<std::uint32_t>(kHeaderSize + m.payload.size());
    return m;
}
Message make_empty(a4s_type type);
Message make_reply(const Message& request, std::uint16_t status, const void* data = nullptr,
                   std::size_t size = 0);
template <class T> Message make_reply_with(const Message& request, const T& body) {
    return make_reply(request, A4S_OK, &body, sizeof(T));
}
Message make_goodbye(const std::string& reason);

// The fixed payload a request type must carry at least, and whether its reply needs one. Takes
// the type as received (any value: unknown types need none).
std::size_t minimum_payload(std::uint16_t type, bool reply);

} // namespace aie4sim::cosim
