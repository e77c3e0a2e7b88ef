#pragma once
// Configuration of the tile array, from the "aie" section of the device description:
//   {"aie": {"columns": 3, "core_rows": 4, "mem_rows": 1, "chunk_bytes": 512,
//            "error_log_depth": 64, "timing": {...}}}
// Every key is optional (defaults: one AIE4 NPU3 partition of 3 columns); unknown keys and
// out-of-range values are refused with the field name.

#include "aie_tiles/format/geometry.h"
#include "aie_tiles/timing_table.h"

#include <cstdint>

namespace aie4sim::common {
class ConfigNode;
}

namespace aie4sim::tiles {

struct ArrayConfig {
    Geometry geometry;
    TimingTable timing;
    // Modelling granularity of stream transfers (docs/aie_tiles.md §6): the largest
    // piece of data a DMA moves as one SystemC step. Not a hardware figure.
    std::uint32_t chunk_bytes = 512;
    // Errors remembered per column for the layer above (older ones are dropped; the count
    // keeps growing).
    std::uint32_t error_log_depth = 64;
};

ArrayConfig parse_array_config(const common::ConfigNode& aie_section);

} // namespace aie4sim::tiles
