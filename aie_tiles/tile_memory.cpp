#include "aie_tiles/tile_memory.h"

#include <algorithm>
#include <cstring>

namespace aie4sim::tiles {

TileMemory::TileMemory(std::uint32_t size, std::uint32_t page_bytes)
    : size_(size), page_bytes_(page_bytes == 0 ? 1 : page_bytes),
      pages_(size == 0 ? 0 : (size + page_bytes_ - 1) / page_bytes_) {}

std::uint8_t* TileMemory::page(std::size_t index) {
    auto& p = pages_[index];
    if (!p) {
        p = std::make_unique<std::uint8_t[]>(page_bytes_); // value-initialised: zero
    }
    return p.get();
}

void TileMemory::read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) const {
    while (len > 0) {
        const std::size_t index = offset / page_bytes_;
        const std::size_t in_page = offset % page_bytes_;
        const std::size_t n = std::min<std::size_t>(len, page_bytes_ - in_page);
        if (pages_[index]) {
            std::memcpy(dst, pages_[index].get() + in_page, n);
        } else {
            std::memset(dst, 0, n);
        }
        dst += n;
        offset += static_cast<std::uint32_t>(n);
        len -= n;
    }
}

void TileMemory::write(std::uint32_t offset, const std::uint8_t* src, std::size_t len) {
    while (len > 0) {
        const std::size_t index = offset / page_bytes_;
        const std::size_t in_page = offset % page_bytes_;
        const std::size_t n = std::min<std::size_t>(len, page_bytes_ - in_page);
        std::memcpy(page(index) + in_page, src, n);
        src += n;
        offset += static_cast<std::uint32_t>(n);
        len -= n;
    }
}

std::uint8_t* TileMemory::contiguous() {
    if (pages_.size() != 1) {
        return nullptr;
    }
    return page(0);
}

void TileMemory::clear() {
    for (auto& p : pages_) {
        p.reset();
    }
}

std::size_t TileMemory::resident_bytes() const {
    std::size_t n = 0;
    for (const auto& p : pages_) {
        if (p) {
            n += page_bytes_;
        }
    }
    return n;
}

} // namespace aie4sim::tiles
