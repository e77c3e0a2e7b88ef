#pragma once
// Array geometry and AIE4 tile address formation, in plain C++ (no SystemC) so that the host
// workload builder, the control-code tools and the SystemC model share one definition.
//
// Rows count from the bottom: row 0 is the shim, rows 1..mem_rows are memory tiles, the rows
// above are compute tiles. AIE4 maps rows to *address rows* non-linearly (reference §5,
// aie-rt `_XAie_LGetTileAddr`): a memory tile row r owns address rows 5r-4 .. 5r (5 MiB, room
// for its 4 MiB memory plus registers) and a compute row r sits at address row r + 4*mem_rows.
// A tile address is (column << 25) | (address_row << 20) | offset.

#include <cstdint>
#include <optional>

namespace aie4sim::tiles {

enum class TileKind { shim, mem, core };

const char* tile_kind_name(TileKind kind);

inline constexpr unsigned kColumnShift = 25;
inline constexpr unsigned kRowShift = 20;
inline constexpr std::uint32_t kAddressRowSize = 1u << kRowShift; // 1 MiB
inline constexpr unsigned kMemTileAddressRows = 5;

// Limits accepted by the configuration (and by the address format: 5 address-row bits).
inline constexpr unsigned kMaxColumns = 64;
inline constexpr unsigned kMaxMemRows = 2;
inline constexpr unsigned kMaxCoreRows = 16;

struct Geometry {
    unsigned columns = 3;
    unsigned core_rows = 4;
    unsigned mem_rows = 1;

    [[nodiscard]] unsigned rows() const { return 1 + mem_rows + core_rows; }
    [[nodiscard]] unsigned first_core_row() const { return 1 + mem_rows; }
    [[nodiscard]] TileKind kind(unsigned row) const {
        if (row == 0) {
            return TileKind::shim;
        }
        return row <= mem_rows ? TileKind::mem : TileKind::core;
    }
    // First address row of a tile and how many address rows it owns.
    [[nodiscard]] unsigned address_row(unsigned row) const;
    [[nodiscard]] unsigned address_rows_of(unsigned row) const {
        return kind(row) == TileKind::mem ? kMemTileAddressRows : 1;
    }
    // Size of the address window of one tile (1 MiB, or 5 MiB for a memory tile).
    [[nodiscard]] std::uint32_t window_size(unsigned row) const {
        return address_rows_of(row) * kAddressRowSize;
    }
    // Array-relative address of `offset` inside tile (col, row). `offset` must be below
    // window_size(row).
    [[nodiscard]] std::uint64_t tile_address(unsigned col, unsigned row,
                                             std::uint32_t offset) const;
    [[nodiscard]] bool valid() const;
};

// Result of decoding an array-relative address: the tile and the offset inside its window.
struct DecodedAddress {
    unsigned col = 0;
    unsigned row = 0;
    std::uint32_t offset = 0;
};

// nullopt when the column is outside the geometry or the address row belongs to no tile.
std::optional<DecodedAddress> decode_address(const Geometry& g, std::uint64_t address);

} // namespace aie4sim::tiles
