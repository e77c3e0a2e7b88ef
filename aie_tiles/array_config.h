#pragma once
// Configuration of the tile array, from the "aie" section of the device description:
//   {"aie": {"columns": 3, "core_rows": 4, "mem_rows": 1, "chunk_bytes": 512,
//            "error_log_depth": 64, "host_address_offset": 2147483648, "timing": {...}}}
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
    // Where host memory appears to the AIE: a shim BD address is this offset plus the host bus
    // address (XRT's patch57_aie4 adds its 2 GiB DDR offset, get_ddr_aie_addr_offset()). The
    // shim DMA subtracts it; an address below it is a host access error.
    std::uint64_t host_address_offset = 0x80000000;
};

ArrayConfig parse_array_config(const common::ConfigNode& aie_section);

} // namespace aie4sim::tiles
