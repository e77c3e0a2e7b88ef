#pragma once
// The guest RAM that QEMU shares with the model (protocol 1.1, GUEST_RAM): each block's memfd
// mapped into this process, so that a DMA QEMU has translated (DMA_MAP) becomes a memcpy
// instead of 64 KiB messages. One per connection: every QEMU has its own RAM.

#include "cosim/protocol/message.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aie4sim::cosim {

class GuestRam {
public:
    // Maps the blocks a GUEST_RAM message describes, one descriptor each (closed here, mapped
    // or not). Throws std::runtime_error, naming the problem, for a malformed message, a
    // descriptor smaller than its block, or a failed mapping.
    static std::unique_ptr<GuestRam> map(const Message& message, const std::vector<int>& fds);
    ~GuestRam();
    GuestRam(const GuestRam&) = delete;
    GuestRam& operator=(const GuestRam&) = delete;

    // The bytes an extent names, or nullptr when it is not wholly inside a block (the peer
    // wrote it: never trusted).
    [[nodiscard]] std::uint8_t* at(std::uint32_t block, std::uint64_t offset,
                                   std::uint64_t length) const;
    // 1.2: the bytes at a bus address when the peer said where its RAM sits (windows), the
    // range wholly inside one window; else nullptr (ask the peer: DMA_MAP).
    [[nodiscard]] std::uint8_t* translate(std::uint64_t address, std::uint64_t length) const;
    [[nodiscard]] bool has_windows() const { return !windows_.empty(); }
    [[nodiscard]] std::size_t block_count() const { return blocks_.size(); }
    [[nodiscard]] std::uint64_t total_bytes() const;
    [[nodiscard]] std::string describe() const; // "mem (2048 MiB)" for logs

private:
    struct Block {
        std::uint8_t* base = nullptr;
        std::uint64_t size = 0;
        std::string name;
    };
    struct Window {
        std::uint64_t address = 0;
        std::uint64_t length = 0;
        std::uint8_t* base = nullptr; // the window's first byte in the mapped block
    };
    GuestRam() = default;
    std::vector<Block> blocks_;
    std::vector<Window> windows_;
};

} // namespace aie4sim::cosim
