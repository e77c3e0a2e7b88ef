#pragma once
// Cuts a byte stream (a socket) into messages. A header that fails check_header() makes the
// stream unusable: there is no way to find the next message boundary, so the reader stops and
// reports why; the connection must then be closed.

#include "cosim/protocol/message.h"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace aie4sim::cosim {

class FrameReader {
public:
    // Appends received bytes. False once the stream is broken (see error()).
    bool feed(const std::uint8_t* data, std::size_t size);
    std::optional<Message> next();
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] bool broken() const { return !error_.empty(); }
    [[nodiscard]] std::size_t buffered() const { return buffer_.size(); }

private:
    void cut();

    std::vector<std::uint8_t> buffer_;
    std::deque<Message> ready_;
    std::string error_;
};

} // namespace aie4sim::cosim
