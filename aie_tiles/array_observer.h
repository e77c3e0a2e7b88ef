#pragma once
// What the tile array tells an observer (a timeline recorder, a test) as it works: DMA tasks,
// core programs and kernel runs. The array calls it only through ArrayContext::observer(),
// which is null unless someone attached one, so an unobserved array pays one pointer test per
// event. Columns are array-relative; every call is made at the current simulated time from the
// thread doing the work.

#include "aie_tiles/format/geometry.h"
#include "aie_tiles/format/register_map.h"

#include <cstdint>

namespace aie4sim::tiles {

class ArrayObserver {
public:
    virtual ~ArrayObserver() = default;
    enum class TaskEnd { done, aborted, halted };

    // A DMA channel took a task off its queue: start BD `bd`, its chain run `executions` times.
    virtual void dma_task_begin(unsigned col, unsigned row, TileKind kind, DmaDir dir,
                                unsigned channel, unsigned bd, unsigned executions) = 0;
    // The task ended; `bytes` moved by its BDs.
    virtual void dma_task_end(unsigned col, unsigned row, DmaDir dir, unsigned channel,
                              std::uint64_t bytes, TaskEnd how) = 0;
    // A core started its program (kernel id, INNER_COUNT, OUTER_COUNT) / ended it.
    virtual void core_begin(unsigned col, unsigned row, std::uint32_t kernel, std::uint32_t inner,
                            std::uint32_t outer) = 0;
    virtual void core_end(unsigned col, unsigned row, bool ok) = 0;
    // One kernel invocation of `cycles` cycles; kernel_end when they have passed (or the core
    // was reset, `ok` false).
    virtual void kernel_begin(unsigned col, unsigned row, std::uint32_t kernel,
                              std::uint64_t cycles) = 0;
    virtual void kernel_end(unsigned col, unsigned row, bool ok) = 0;
};

} // namespace aie4sim::tiles
