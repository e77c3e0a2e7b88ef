#pragma once
// The stream routing every workload of this builder uses in each column (docs/aie_tiles.md
// "Workloads"). With `cores` compute tiles (rows first_core .. first_core+cores-1, at most 4):
//
//   shim MM2S0 -> memtile S2MM0          first input (A / x)
//   shim MM2S1 -> memtile S2MM1          second input (B / y), when used
//   memtile MM2S r -> core r S2MM0       per-core input, r < cores
//   memtile MM2S 4 -> every core S2MM1   circuit broadcast (GEMM's B), when used
//   core r MM2S0 -> memtile S2MM 2+r     per-core result
//   memtile MM2S 5 -> shim S2MM0         results of the lower half of the cores (0, 1)
//   memtile MM2S 6 -> shim S2MM1         results of the upper half (2, 3)
//
// Link indices: the stream for core r crosses the boundary below core j (j <= r) on North
// link r-j; the broadcast uses North link 5; results from core r cross it on South link r-j.
// Four South links per boundary bound `cores` to 4.

#include "aie_tiles/workload/tile_program.h"

namespace aie4sim::tiles::workload::flow {

inline constexpr unsigned kMaxCores = 4;

// Channel roles.
inline constexpr unsigned kShimInput0 = 0;    // shim MM2S
inline constexpr unsigned kShimInput1 = 1;    // shim MM2S
inline constexpr unsigned kMemInput0 = 0;     // memtile S2MM
inline constexpr unsigned kMemInput1 = 1;     // memtile S2MM
inline constexpr unsigned kMemResultIn = 2;   // memtile S2MM 2 + core
inline constexpr unsigned kMemBroadcast = 4;  // memtile MM2S
inline constexpr unsigned kMemResultOut = 5;  // memtile MM2S 5 + (core % 2)
inline constexpr unsigned kBroadcastLink = 5; // North link of the broadcast

// Which shim S2MM / memtile result MM2S carries core r's results: halves, so that a lane's
// cores hold neighbouring pieces of the output and one host BD covers them.
inline constexpr unsigned result_lane(unsigned core, unsigned cores) {
    return core < (cores + 1) / 2 ? 0 : 1;
}

// Units a workload keeps in flight per column: the control code programs unit t once the
// results of unit t - kUnitsInFlight have landed. Bounded by the shim's 16 shared BDs.
inline constexpr unsigned kUnitsInFlight = 4;

// Resets the channels the flow uses, clears every switch master of the column and sets up
// the routes above.
void route_column(TileProgram& p, unsigned col, unsigned cores, bool second_input, bool broadcast);

} // namespace aie4sim::tiles::workload::flow
