#pragma once
// Stream switch port numbering of the data switch (AIE4's wide "512B" switch; the 32-bit
// control/trace switch is not modelled). Each tile kind lists its master (outgoing) and slave
// (incoming) ports in a fixed order; a port's number is its position in that list.
//
//   compute  masters: DMA 0-1 (S2MM), North 0-5, South 0-3, West 0-3, East 0-3
//            slaves:  DMA 0 (MM2S),   South 0-5, North 0-3, West 0-3, East 0-3
//   memtile  masters: DMA 0-7,        North 0-5, South 0-3
//            slaves:  DMA 0-9,        South 0-5, North 0-3
//   shim     masters: DMA 0-1,        North 0-5, West 0-3, East 0-3
//            slaves:  DMA 0-1,        North 0-3, West 0-3, East 0-3
//
// Links between neighbours: master North i of (c, r) feeds slave South i of (c, r+1); master
// South i feeds slave North i of (c, r-1); master East i feeds slave West i of (c+1, r);
// master West i feeds slave East i of (c-1, r). So 6 links go up and 4 come down across every
// row boundary, and 4 go each way between horizontal neighbours (memory tiles have no
// East/West ports, as in AIE4's data switch).

#include "aie_tiles/format/geometry.h"

#include <optional>
#include <string>

namespace aie4sim::tiles {

enum class PortKind { dma, north, south, west, east };

const char* port_kind_name(PortKind kind);

struct PortRef {
    PortKind kind = PortKind::dma;
    unsigned index = 0;
};

struct PortGroup {
    PortKind kind;
    unsigned count;
};

inline constexpr unsigned kNorthLinks = 6; // upward links per row boundary
inline constexpr unsigned kSouthLinks = 4; // downward links per row boundary
inline constexpr unsigned kEastWestLinks = 4;

// Number of master/slave ports of a tile kind.
unsigned master_port_count(TileKind kind);
unsigned slave_port_count(TileKind kind);

// Port number of (kind, index), or nullopt when the tile has no such port.
std::optional<unsigned> master_port(TileKind tile, PortKind kind, unsigned index);
std::optional<unsigned> slave_port(TileKind tile, PortKind kind, unsigned index);

// Inverse mappings; the number must be below the port count.
PortRef master_port_ref(TileKind tile, unsigned port);
PortRef slave_port_ref(TileKind tile, unsigned port);

std::string describe_port(PortRef ref);

} // namespace aie4sim::tiles
