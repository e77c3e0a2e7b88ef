#pragma once
// The address generator of a BD (semantics in bd_format.h): turns a BD into runs of
// consecutive words, either real (an address and a word count) or zero padding, so that DMA
// channels move data with one memcpy / one bus transaction per run instead of per word.
// Plain C++.

#include "aie_tiles/format/bd_format.h"

#include <cstdint>

namespace aie4sim::tiles {

struct AddressRun {
    bool zero = false;         // padding: `words` zero words, no address
    std::uint64_t address = 0; // bytes
    std::uint32_t words = 0;
};

class AddressWalker {
public:
    // `base` is the BD address with the iteration offset already applied.
    AddressWalker(const BufferDescriptor& bd, std::uint64_t base);

    [[nodiscard]] bool done() const { return position_ >= length_; }
    [[nodiscard]] std::uint32_t remaining() const { return length_ - position_; }
    // The next run, at most `max_words` long (> 0).
    AddressRun next(std::uint32_t max_words);

private:
    bool linear_;
    std::uint64_t base_;
    std::uint32_t length_;
    std::uint32_t position_ = 0;
    std::uint64_t step_[4]{};
    std::uint32_t wrap_[3]{};
    std::uint32_t before_[3]{};
    std::uint32_t extent_[3]{};
    std::uint64_t counter_[4]{};
};

// Largest byte offset past the end (exclusive) any real word of the BD can touch, relative to
// `base`; an upper bound that is exact for transfers covering whole D0..D2 blocks. Used to
// check BDs against memory bounds before moving data.
std::uint64_t bd_extent_bound(const BufferDescriptor& bd);

// Exact version of the same (walks every run): for BDs the bound refuses.
std::uint64_t bd_extent_exact(const BufferDescriptor& bd);

} // namespace aie4sim::tiles
