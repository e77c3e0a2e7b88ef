#pragma once
// Where the model listens for QEMU: "unix:/path/to.sock" (the default kind: a bare path is a
// UNIX socket) or "tcp:HOST:PORT" (a guest on another machine; no shared-memory fast path).

#include <cstdint>
#include <string>

namespace aie4sim::cosim {

struct ListenAddress {
    enum class Kind { unix_socket, tcp } kind = Kind::unix_socket;
    std::string path; // unix
    std::string host; // tcp
    std::uint16_t port = 0;

    [[nodiscard]] std::string to_string() const;
};

// Throws std::invalid_argument with a message naming what is wrong.
ListenAddress parse_listen_address(const std::string& text);

} // namespace aie4sim::cosim
