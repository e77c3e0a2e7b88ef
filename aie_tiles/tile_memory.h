#pragma once
// A tile's data memory as real storage, allocated lazily in pages so that untouched memory
// costs nothing: a default 3-column partition has 12 MiB of memory tiles and 1.5 MiB of
// compute memories, of which a workload usually touches a small part. Untouched pages read as
// zero, which is also the reset state. Plain C++.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace aie4sim::tiles {

class TileMemory {
public:
    // `page_bytes` must divide `size`. A compute tile uses one page (the kernels need its
    // memory contiguous); a memory tile uses 64 KiB pages.
    TileMemory(std::uint32_t size, std::uint32_t page_bytes);

    [[nodiscard]] std::uint32_t size() const { return size_; }
    [[nodiscard]] bool contains(std::uint64_t offset, std::uint64_t len) const {
        return len <= size_ && offset <= size_ - len;
    }

    // The range must lie inside the memory (callers check with contains()).
    void read(std::uint32_t offset, std::uint8_t* dst, std::size_t len) const;
    void write(std::uint32_t offset, const std::uint8_t* src, std::size_t len);

    // The whole memory as one block (allocating it); only for single-page memories.
    std::uint8_t* contiguous();

    // Back to all-zero, releasing the storage.
    void clear();
    [[nodiscard]] std::size_t resident_bytes() const;

private:
    std::uint8_t* page(std::size_t index);

    std::uint32_t size_;
    std::uint32_t page_bytes_;
    std::vector<std::unique_ptr<std::uint8_t[]>> pages_;
};

} // namespace aie4sim::tiles
