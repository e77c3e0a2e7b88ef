#pragma once
// Route resolution: follows the stream switch configuration from the slave port a MM2S
// channel feeds to every S2MM channel its data reaches (circuit broadcast gives several), and
// sums along each path what the timing model needs: switches traversed (latency) and FIFO
// words (capacity). Resolved when a BD starts, so reconfiguring a route between BDs takes
// effect at the next BD, as with a real switch that is reprogrammed while idle.

#include "aie_tiles/format/geometry.h"
#include "aie_tiles/timing_table.h"

#include <functional>
#include <string>
#include <vector>

namespace aie4sim::tiles {

class StreamSwitch;

struct StreamDestination {
    unsigned col = 0;
    unsigned row = 0;
    unsigned channel = 0;         // S2MM channel
    unsigned switches = 0;        // switches traversed, source tile's included
    std::uint32_t fifo_words = 0; // switch FIFOs on the path plus the receive buffer

    [[nodiscard]] std::uint64_t latency_cycles(const TimingTable& t) const {
        return std::uint64_t{switches} * t.hop_latency_cycles + t.master_latency_cycles;
    }
    [[nodiscard]] std::uint32_t capacity_bytes(const TimingTable& t) const {
        return fifo_words * t.stream_width_bytes;
    }
};

struct RouteResult {
    std::vector<StreamDestination> destinations; // sorted by (col, row, channel)
    std::string error;                           // empty when the route is complete
};

// Returns the switch of tile (col, row); never called outside the geometry.
using SwitchLookup = std::function<const StreamSwitch&(unsigned col, unsigned row)>;

RouteResult resolve_route(const Geometry& geometry, const TimingTable& timing,
                          const SwitchLookup& lookup, unsigned col, unsigned row,
                          unsigned mm2s_channel, bool packet, unsigned packet_id);

} // namespace aie4sim::tiles
