#include "aie_tiles/array_config.h"

#include "common/config_node.h"

namespace aie4sim::tiles {

ArrayConfig parse_array_config(const common::ConfigNode& node) {
    node.expect_only({"columns", "core_rows", "mem_rows", "chunk_bytes", "error_log_depth",
                      "host_address_offset", "timing"});
    ArrayConfig c;
    c.geometry.columns =
        static_cast<unsigned>(node.get_uint("columns", c.geometry.columns, 1, kMaxColumns));
    c.geometry.core_rows =
        static_cast<unsigned>(node.get_uint("core_rows", c.geometry.core_rows, 1, kMaxCoreRows));
    c.geometry.mem_rows =
        static_cast<unsigned>(node.get_uint("mem_rows", c.geometry.mem_rows, 0, kMaxMemRows));
    if (!c.geometry.valid()) {
        // Only reachable through a combination of rows that overflows the 5 address-row bits.
        node.fail("core_rows", "too many rows for the 5-bit address row field");
    }
    c.chunk_bytes =
        static_cast<std::uint32_t>(node.get_uint("chunk_bytes", c.chunk_bytes, 4, 1u << 20));
    if (c.chunk_bytes % 4 != 0) {
        node.fail("chunk_bytes", "must be a multiple of 4");
    }
    c.error_log_depth = static_cast<std::uint32_t>(
        node.get_uint("error_log_depth", c.error_log_depth, 1, 1u << 16));
    c.host_address_offset =
        node.get_uint("host_address_offset", c.host_address_offset, 0, (1ull << 57) - 1);
    c.timing = parse_timing_table(node.child("timing"));
    return c;
}

} // namespace aie4sim::tiles
