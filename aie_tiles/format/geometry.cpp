#include "aie_tiles/format/geometry.h"

namespace aie4sim::tiles {

const char* tile_kind_name(TileKind kind) {
    switch (kind) {
    case TileKind::shim:
        return "shim";
    case TileKind::mem:
        return "memtile";
    case TileKind::core:
        return "core";
    }
    return "?";
}

unsigned Geometry::address_row(unsigned row) const {
    if (row == 0) {
        return 0;
    }
    if (row <= mem_rows) {
        return kMemTileAddressRows * row - (kMemTileAddressRows - 1);
    }
    return row + (kMemTileAddressRows - 1) * mem_rows;
}

std::uint64_t Geometry::tile_address(unsigned col, unsigned row, std::uint32_t offset) const {
    // `+` rather than `|`: a memory tile's offset spans several address rows.
    return ((std::uint64_t{col} << kColumnShift) | (std::uint64_t{address_row(row)} << kRowShift)) +
           offset;
}

bool Geometry::valid() const {
    if (columns == 0 || columns > kMaxColumns || core_rows == 0 || core_rows > kMaxCoreRows ||
        mem_rows > kMaxMemRows) {
        return false;
    }
    // The highest address row must fit the 5 row bits of the address.
    return address_row(rows() - 1) < (1u << (kColumnShift - kRowShift));
}

std::optional<DecodedAddress> decode_address(const Geometry& g, std::uint64_t address) {
    const std::uint64_t col = address >> kColumnShift;
    if (col >= g.columns) {
        return std::nullopt;
    }
    const unsigned arow = static_cast<unsigned>((address >> kRowShift) & 0x1F);
    const auto low = static_cast<std::uint32_t>(address & (kAddressRowSize - 1));
    DecodedAddress d;
    d.col = static_cast<unsigned>(col);
    if (arow == 0) {
        d.row = 0;
        d.offset = low;
        return d;
    }
    const unsigned mem_arows = kMemTileAddressRows * g.mem_rows;
    if (arow <= mem_arows) {
        const unsigned index = (arow - 1) / kMemTileAddressRows; // memory tile 0-based
        d.row = 1 + index;
        d.offset = ((arow - 1) % kMemTileAddressRows) * kAddressRowSize + low;
        return d;
    }
    const unsigned row = arow - (kMemTileAddressRows - 1) * g.mem_rows;
    if (row >= g.rows()) {
        return std::nullopt;
    }
    d.row = row;
    d.offset = low;
    return d;
}

} // namespace aie4sim::tiles
