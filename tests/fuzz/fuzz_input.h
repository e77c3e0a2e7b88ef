#pragma once
// Reading a fuzzer's input as a sequence of fields: each take returns what is left when the input
// runs short (zeros), so a harness never reads past the end and every input means something.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace aie4sim::fuzz {

class FuzzInput {
public:
    FuzzInput(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    template <typename T> T take() {
        T value{};
        const std::size_t n = std::min(sizeof value, left());
        std::memcpy(&value, data_ + at_, n);
        at_ += n;
        return value;
    }
    std::vector<std::uint8_t> take_bytes(std::size_t count) {
        const std::size_t n = std::min(count, left());
        std::vector<std::uint8_t> out(data_ + at_, data_ + at_ + n);
        at_ += n;
        return out;
    }
    std::vector<std::uint8_t> rest() { return take_bytes(left()); }
    [[nodiscard]] std::size_t left() const { return size_ - at_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

// A harness's own consistency check failed: libFuzzer reports the abort as a crash, with the
// input that caused it.
[[noreturn]] inline void invariant_broken() {
    __builtin_trap();
}

} // namespace aie4sim::fuzz
