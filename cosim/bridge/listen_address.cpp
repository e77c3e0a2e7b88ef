#include "cosim/bridge/listen_address.h"

#include <stdexcept>

namespace aie4sim::cosim {

std::string ListenAddress::to_string() const {
    return kind == Kind::unix_socket ? "unix:" + path : "tcp:" + host + ":" + std::to_string(port);
}

ListenAddress parse_listen_address(const std::string& text) {
    ListenAddress a;
    if (text.rfind("tcp:", 0) == 0) {
        const std::string rest = text.substr(4);
        const auto colon = rest.rfind(':');
        if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
            throw std::invalid_argument("\"" + text + "\": expected tcp:HOST:PORT");
        }
        a.kind = ListenAddress::Kind::tcp;
        a.host = rest.substr(0, colon);
        const std::string port = rest.substr(colon + 1);
        std::size_t used = 0;
        unsigned long value = 0;
        try {
            value = std::stoul(port, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != port.size() || value == 0 || value > 65535) {
            throw std::invalid_argument("\"" + text + "\": the port must be 1..65535");
        }
        a.port = static_cast<std::uint16_t>(value);
        return a;
    }
    a.path = text.rfind("unix:", 0) == 0 ? text.substr(5) : text;
    if (a.path.empty()) {
        throw std::invalid_argument("an empty socket path");
    }
    if (a.path.size() >= 108) {
        throw std::invalid_argument("\"" + a.path +
                                    "\": a UNIX socket path must be under 108 bytes");
    }
    return a;
}

} // namespace aie4sim::cosim
