#include "aie_tiles/workload/column_flow.h"

#include "aie_tiles/workload/workload.h"

namespace aie4sim::tiles::workload::flow {

namespace {

PortRef dma(unsigned i) {
    return PortRef{PortKind::dma, i};
}
PortRef north(unsigned i) {
    return PortRef{PortKind::north, i};
}
PortRef south(unsigned i) {
    return PortRef{PortKind::south, i};
}

} // namespace

void route_column(TileProgram& p, unsigned col, unsigned cores, bool second_input, bool broadcast) {
    const Geometry& g = p.geometry();
    if (g.mem_rows != 1) {
        throw BuildError("the workload builder needs exactly one memory tile row");
    }
    if (cores == 0 || cores > kMaxCores || cores > g.core_rows) {
        throw BuildError("column flow supports 1.." + std::to_string(kMaxCores) + " cores");
    }
    const unsigned mem = 1;
    const unsigned first_core = g.first_core_row();

    // Channels: a clean state for everything the flow uses.
    for (unsigned i = 0; i < channel_count(TileKind::shim, DmaDir::mm2s); ++i) {
        p.reset_channel(col, 0, DmaDir::mm2s, i);
        p.reset_channel(col, 0, DmaDir::s2mm, i);
    }
    for (unsigned i = 0; i < channel_count(TileKind::mem, DmaDir::s2mm); ++i) {
        p.reset_channel(col, mem, DmaDir::s2mm, i);
    }
    for (unsigned i = 0; i < channel_count(TileKind::mem, DmaDir::mm2s); ++i) {
        p.reset_channel(col, mem, DmaDir::mm2s, i);
    }
    for (unsigned r = 0; r < cores; ++r) {
        p.reset_channel(col, first_core + r, DmaDir::s2mm, 0);
        p.reset_channel(col, first_core + r, DmaDir::s2mm, 1);
        p.reset_channel(col, first_core + r, DmaDir::mm2s, 0);
    }
    for (unsigned row = 0; row < first_core + cores; ++row) {
        p.clear_masters(col, row);
    }

    // Host -> memory tile.
    p.connect(col, 0, dma(kShimInput0), north(0));
    p.connect(col, mem, south(0), dma(kMemInput0));
    if (second_input) {
        p.connect(col, 0, dma(kShimInput1), north(1));
        p.connect(col, mem, south(1), dma(kMemInput1));
    }
    // Memory tile -> cores.
    for (unsigned r = 0; r < cores; ++r) {
        p.connect(col, mem, dma(r), north(r));
    }
    if (broadcast) {
        p.connect(col, mem, dma(kMemBroadcast), north(kBroadcastLink));
    }
    for (unsigned j = 0; j < cores; ++j) {
        const unsigned row = first_core + j;
        for (unsigned r = j; r < cores; ++r) {
            p.connect(col, row, south(r - j), r == j ? dma(0) : north(r - j - 1));
        }
        if (broadcast) {
            p.connect(col, row, south(kBroadcastLink), dma(1));
            if (j + 1 < cores) {
                p.connect(col, row, south(kBroadcastLink), north(kBroadcastLink));
            }
        }
        // Results travel down: own on South 0, core r's from above on South r-j.
        p.connect(col, row, dma(0), south(0));
        for (unsigned r = j + 1; r < cores; ++r) {
            p.connect(col, row, north(r - j - 1), south(r - j));
        }
    }
    for (unsigned r = 0; r < cores; ++r) {
        p.connect(col, mem, north(r), dma(kMemResultIn + r));
    }
    // Memory tile -> host.
    const unsigned lanes = cores > 1 ? 2 : 1;
    for (unsigned lane = 0; lane < lanes; ++lane) {
        p.connect(col, mem, dma(kMemResultOut + lane), south(lane));
        p.connect(col, 0, north(lane), dma(lane));
    }
}

} // namespace aie4sim::tiles::workload::flow
