#include "aie_tiles/dma_addressing.h"

#include <algorithm>

namespace aie4sim::tiles {

AddressWalker::AddressWalker(const BufferDescriptor& bd, std::uint64_t base)
    : linear_(bd.dims[0].wrap == 0), base_(base), length_(bd.length) {
    for (unsigned d = 0; d < 3; ++d) {
        step_[d] = bd.dims[d].step;
        wrap_[d] = std::max<std::uint32_t>(bd.dims[d].wrap, 1);
        before_[d] = bd.dims[d].pad_before;
        extent_[d] = before_[d] + wrap_[d] + bd.dims[d].pad_after;
    }
    step_[3] = bd.d3_step;
}

AddressRun AddressWalker::next(std::uint32_t max_words) {
    AddressRun run;
    const std::uint32_t left = std::min(max_words, remaining());
    if (linear_) {
        run.address = base_ + std::uint64_t{position_} * 4;
        run.words = left;
        position_ += left;
        return run;
    }
    auto in_pad = [this](unsigned d) {
        return counter_[d] < before_[d] || counter_[d] >= before_[d] + wrap_[d];
    };
    const std::uint64_t c0 = counter_[0];
    if (in_pad(1) || in_pad(2) || c0 >= before_[0] + wrap_[0]) {
        // Padding up to the end of the D0 row.
        run.zero = true;
        run.words = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, extent_[0] - c0));
    } else if (c0 < before_[0]) {
        run.zero = true;
        run.words = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, before_[0] - c0));
    } else {
        std::uint64_t word = counter_[3] * step_[3];
        for (unsigned d = 0; d < 3; ++d) {
            word += (counter_[d] - before_[d]) * step_[d];
        }
        run.address = base_ + word * 4;
        // Consecutive D0 words are contiguous only with a unit step.
        const std::uint64_t span = step_[0] == 1 ? before_[0] + wrap_[0] - c0 : 1;
        run.words = static_cast<std::uint32_t>(std::min<std::uint64_t>(left, span));
    }
    position_ += run.words;
    counter_[0] += run.words;
    if (counter_[0] == extent_[0]) {
        counter_[0] = 0;
        if (++counter_[1] == extent_[1]) {
            counter_[1] = 0;
            if (++counter_[2] == extent_[2]) {
                counter_[2] = 0;
                ++counter_[3];
            }
        }
    }
    return run;
}

std::uint64_t bd_extent_bound(const BufferDescriptor& bd) {
    if (bd.dims[0].wrap == 0) {
        return std::uint64_t{bd.length} * 4;
    }
    std::uint64_t block = 1;
    std::uint64_t last = 0; // word offset of the farthest real word
    for (const BdDim& d : bd.dims) {
        const std::uint64_t wrap = std::max<std::uint32_t>(d.wrap, 1);
        block *= d.pad_before + wrap + d.pad_after;
        last += (wrap - 1) * d.step;
    }
    last += (std::uint64_t{bd.length} - 1) / block * bd.d3_step;
    return (last + 1) * 4;
}

std::uint64_t bd_extent_exact(const BufferDescriptor& bd) {
    AddressWalker w(bd, 0);
    std::uint64_t end = 0;
    while (!w.done()) {
        const AddressRun r = w.next(0xFFFFFFFFu);
        if (!r.zero) {
            end = std::max(end, r.address + std::uint64_t{r.words} * 4);
        }
    }
    return end;
}

} // namespace aie4sim::tiles
