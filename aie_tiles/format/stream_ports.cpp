#include "aie_tiles/format/stream_ports.h"

#include <vector>

namespace aie4sim::tiles {

namespace {

using Groups = std::vector<PortGroup>;

const Groups& masters(TileKind tile) {
    static const Groups core{{PortKind::dma, 2},
                             {PortKind::north, kNorthLinks},
                             {PortKind::south, kSouthLinks},
                             {PortKind::west, kEastWestLinks},
                             {PortKind::east, kEastWestLinks}};
    static const Groups mem{
        {PortKind::dma, 8}, {PortKind::north, kNorthLinks}, {PortKind::south, kSouthLinks}};
    static const Groups shim{{PortKind::dma, 2},
                             {PortKind::north, kNorthLinks},
                             {PortKind::west, kEastWestLinks},
                             {PortKind::east, kEastWestLinks}};
    return tile == TileKind::core ? core : (tile == TileKind::mem ? mem : shim);
}

const Groups& slaves(TileKind tile) {
    static const Groups core{{PortKind::dma, 1},
                             {PortKind::south, kNorthLinks},
                             {PortKind::north, kSouthLinks},
                             {PortKind::west, kEastWestLinks},
                             {PortKind::east, kEastWestLinks}};
    static const Groups mem{
        {PortKind::dma, 10}, {PortKind::south, kNorthLinks}, {PortKind::north, kSouthLinks}};
    static const Groups shim{{PortKind::dma, 2},
                             {PortKind::north, kSouthLinks},
                             {PortKind::west, kEastWestLinks},
                             {PortKind::east, kEastWestLinks}};
    return tile == TileKind::core ? core : (tile == TileKind::mem ? mem : shim);
}

unsigned total(const Groups& groups) {
    unsigned n = 0;
    for (const PortGroup& g : groups) {
        n += g.count;
    }
    return n;
}

std::optional<unsigned> find(const Groups& groups, PortKind kind, unsigned index) {
    unsigned base = 0;
    for (const PortGroup& g : groups) {
        if (g.kind == kind) {
            if (index < g.count) {
                return base + index;
            }
            return std::nullopt;
        }
        base += g.count;
    }
    return std::nullopt;
}

PortRef ref(const Groups& groups, unsigned port) {
    for (const PortGroup& g : groups) {
        if (port < g.count) {
            return PortRef{g.kind, port};
        }
        port -= g.count;
    }
    return PortRef{};
}

} // namespace

const char* port_kind_name(PortKind kind) {
    switch (kind) {
    case PortKind::dma:
        return "DMA";
    case PortKind::north:
        return "North";
    case PortKind::south:
        return "South";
    case PortKind::west:
        return "West";
    case PortKind::east:
        return "East";
    }
    return "?";
}

unsigned master_port_count(TileKind kind) {
    return total(masters(kind));
}
unsigned slave_port_count(TileKind kind) {
    return total(slaves(kind));
}

std::optional<unsigned> master_port(TileKind tile, PortKind kind, unsigned index) {
    return find(masters(tile), kind, index);
}

std::optional<unsigned> slave_port(TileKind tile, PortKind kind, unsigned index) {
    return find(slaves(tile), kind, index);
}

PortRef master_port_ref(TileKind tile, unsigned port) {
    return ref(masters(tile), port);
}
PortRef slave_port_ref(TileKind tile, unsigned port) {
    return ref(slaves(tile), port);
}

std::string describe_port(PortRef r) {
    return std::string(port_kind_name(r.kind)) + std::to_string(r.index);
}

} // namespace aie4sim::tiles
