#include "cosim/protocol/guest_ram.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aie4sim::cosim {

std::unique_ptr<GuestRam> GuestRam::map(const Message& message, const std::vector<int>& fds) {
    struct CloseAll {
        const std::vector<int>& fds;
        ~CloseAll() {
            for (int fd : fds) {
                ::close(fd);
            }
        }
    } close_all{fds};
    a4s_guest_ram head{};
    if (!message.read_as(head) || head.count == 0 || head.count > A4S_MAX_RAM_BLOCKS ||
        message.payload.size() < sizeof head + head.count * sizeof(a4s_ram_block)) {
        throw std::runtime_error("malformed GUEST_RAM message");
    }
    if (fds.size() != head.count) {
        throw std::runtime_error("GUEST_RAM describes " + std::to_string(head.count) +
                                 " blocks but came with " + std::to_string(fds.size()) +
                                 " descriptors");
    }
    std::unique_ptr<GuestRam> ram(new GuestRam());
    for (std::uint32_t i = 0; i < head.count; ++i) {
        a4s_ram_block b{};
        (void)message.read_as(b, sizeof head + i * sizeof b); // the size was checked above
        Block block;
        block.name.assign(b.name, strnlen(b.name, sizeof b.name));
        block.size = b.size;
        struct stat st {};
        if (b.size == 0 || ::fstat(fds[i], &st) != 0 ||
            static_cast<std::uint64_t>(st.st_size) < b.size) {
            throw std::runtime_error("guest RAM block \"" + block.name +
                                     "\": the descriptor is smaller than the block");
        }
        void* base =
            ::mmap(nullptr, b.size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fds[i], 0);
        if (base == MAP_FAILED) {
            throw std::runtime_error("cannot map guest RAM block \"" + block.name +
                                     "\": " + std::strerror(errno));
        }
        block.base = static_cast<std::uint8_t*>(base);
        ram->blocks_.push_back(std::move(block));
    }
    // 1.2 windows: every one must lie inside its block and not wrap, or none is used.
    const std::size_t at = sizeof head + head.count * sizeof(a4s_ram_block);
    const std::uint32_t windows = std::min(head.windows, A4S_MAX_RAM_WINDOWS);
    if (message.payload.size() < at + windows * sizeof(a4s_ram_window)) {
        return ram;
    }
    std::vector<Window> parsed;
    for (std::uint32_t i = 0; i < windows; ++i) {
        a4s_ram_window w{};
        (void)message.read_as(w, at + i * sizeof w);
        if (w.block >= ram->blocks_.size() || w.length == 0 || w.address + w.length < w.address ||
            w.offset > ram->blocks_[w.block].size ||
            w.length > ram->blocks_[w.block].size - w.offset) {
            return ram;
        }
        parsed.push_back(Window{w.address, w.length, ram->blocks_[w.block].base + w.offset});
    }
    ram->windows_ = std::move(parsed);
    return ram;
}

std::uint8_t* GuestRam::translate(std::uint64_t address, std::uint64_t length) const {
    for (const Window& w : windows_) {
        if (address >= w.address && length <= w.length &&
            address - w.address <= w.length - length) {
            return w.base + (address - w.address);
        }
    }
    return nullptr;
}

GuestRam::~GuestRam() {
    for (const Block& b : blocks_) {
        ::munmap(b.base, b.size);
    }
}

std::uint8_t* GuestRam::at(std::uint32_t block, std::uint64_t offset, std::uint64_t length) const {
    if (block >= blocks_.size()) {
        return nullptr;
    }
    const Block& b = blocks_[block];
    if (offset > b.size || length > b.size - offset) {
        return nullptr;
    }
    return b.base + offset;
}

std::uint64_t GuestRam::total_bytes() const {
    std::uint64_t total = 0;
    for (const Block& b : blocks_) {
        total += b.size;
    }
    return total;
}

std::string GuestRam::describe() const {
    std::string out;
    for (const Block& b : blocks_) {
        out += (out.empty() ? "" : ", ") + b.name + " (" + std::to_string(b.size >> 20) + " MiB)";
    }
    return out;
}

} // namespace aie4sim::cosim
