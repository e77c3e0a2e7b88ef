#include "cosim/protocol/frame_reader.h"

namespace aie4sim::cosim {

bool FrameReader::feed(const std::uint8_t* data, std::size_t size) {
    if (broken()) {
        return false;
    }
    buffer_.insert(buffer_.end(), data, data + size);
    cut();
    return !broken();
}

void FrameReader::cut() {
    std::size_t at = 0;
    while (buffer_.size() - at >= kHeaderSize) {
        a4s_header h{};
        std::memcpy(&h, buffer_.data() + at, kHeaderSize);
        if (auto why = check_header(h)) {
            error_ = *why;
            break;
        }
        if (buffer_.size() - at < h.size) {
            break;
        }
        Message m;
        m.header = h;
        m.payload.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(at + kHeaderSize),
                         buffer_.begin() + static_cast<std::ptrdiff_t>(at + h.size));
        ready_.push_back(std::move(m));
        at += h.size;
    }
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(at));
}

std::optional<Message> FrameReader::next() {
    if (ready_.empty()) {
        return std::nullopt;
    }
    Message m = std::move(ready_.front());
    ready_.pop_front();
    return m;
}

} // namespace aie4sim::cosim
