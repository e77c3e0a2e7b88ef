#include "aie_tiles/stream_router.h"

#include "aie_tiles/format/register_map.h"
#include "aie_tiles/format/stream_ports.h"
#include "aie_tiles/stream_switch.h"

#include <algorithm>
#include <tuple>

namespace aie4sim::tiles {

namespace {

// A route longer than this is a loop in the configuration; a route tree visiting more
// switches than kMaxVisits (broadcasts that fan out and loop) is refused as well.
constexpr unsigned kMaxSwitches = 256;
constexpr unsigned kMaxVisits = 4096;

std::string tile_name(unsigned col, unsigned row) {
    return "(" + std::to_string(col) + "," + std::to_string(row) + ")";
}

struct Walker {
    const Geometry& geometry;
    const TimingTable& timing;
    const SwitchLookup& lookup;
    bool packet = false;
    unsigned packet_id = 0;
    RouteResult result;
    unsigned visits = 0;

    // The stream enters slave `slave` of tile (col, row) having crossed `switches` switches
    // and `words` FIFO words before it.
    void enter(unsigned col, unsigned row, unsigned slave, unsigned switches, std::uint32_t words) {
        if (!result.error.empty()) {
            return;
        }
        if (switches >= kMaxSwitches || ++visits > kMaxVisits) {
            result.error =
                "stream route loops (more than " + std::to_string(kMaxSwitches) + " switches)";
            return;
        }
        const StreamSwitch& sw = lookup(col, row);
        const TileKind kind = geometry.kind(row);
        const std::string where = "slave " + describe_port(slave_port_ref(kind, slave)) +
                                  " of tile " + tile_name(col, row);
        const std::uint32_t cfg = sw.slave(slave);
        if ((cfg & regs::kSwitchEnable) == 0) {
            result.error = where + " is not enabled";
            return;
        }
        const bool packet_slave = (cfg & regs::kSwitchPacket) != 0;
        std::vector<unsigned> masters;
        if (packet_slave) {
            if (!packet) {
                result.error = where + " is in packet mode but the data is not a packet";
                return;
            }
            for (unsigned k = 0; k < regs::kSlotsPerSlave; ++k) {
                const std::uint32_t slot = sw.slot(slave, k);
                const unsigned id = (slot >> 24) & 0x1F;
                const unsigned mask = (slot >> 16) & 0x1F;
                if ((slot & regs::kSwitchEnable) != 0 && (id & mask) == (packet_id & mask)) {
                    const unsigned m = slot & 0x3F;
                    const std::uint32_t mcfg = sw.master(m);
                    if ((mcfg & regs::kSwitchEnable) == 0 || (mcfg & regs::kSwitchPacket) == 0) {
                        result.error = where + ": packet " + std::to_string(packet_id) +
                                       " selects master " +
                                       describe_port(master_port_ref(kind, m)) +
                                       ", which is not enabled in packet mode";
                        return;
                    }
                    masters.push_back(m);
                    break;
                }
            }
            if (masters.empty()) {
                result.error = where + ": no slot matches packet id " + std::to_string(packet_id);
                return;
            }
        } else {
            for (unsigned m = 0; m < sw.masters(); ++m) {
                const std::uint32_t mcfg = sw.master(m);
                if ((mcfg & regs::kSwitchEnable) != 0 && (mcfg & regs::kSwitchPacket) == 0 &&
                    (mcfg & 0x3F) == slave) {
                    masters.push_back(m);
                }
            }
            if (masters.empty()) {
                result.error = where + " feeds no master";
                return;
            }
        }
        for (const unsigned m : masters) {
            leave(col, row, m, switches + 1, words + timing.slave_fifo_depth);
        }
    }

    void leave(unsigned col, unsigned row, unsigned master, unsigned switches,
               std::uint32_t words) {
        const TileKind kind = geometry.kind(row);
        const PortRef port = master_port_ref(kind, master);
        if (port.kind == PortKind::dma) {
            StreamDestination d;
            d.col = col;
            d.row = row;
            d.channel = port.index;
            d.switches = switches;
            d.fifo_words = words + timing.local_master_fifo_depth + timing.ingress_depth(kind);
            result.destinations.push_back(d);
            return;
        }
        words += timing.external_master_fifo_depth;
        unsigned ncol = col;
        unsigned nrow = row;
        PortKind entry = PortKind::south;
        switch (port.kind) {
        case PortKind::north:
            nrow = row + 1;
            entry = PortKind::south;
            break;
        case PortKind::south:
            nrow = row - 1; // row 0 has no South masters
            entry = PortKind::north;
            break;
        case PortKind::east:
            ncol = col + 1;
            entry = PortKind::west;
            break;
        case PortKind::west:
            ncol = col - 1; // wraps to a huge value for column 0: caught below
            entry = PortKind::east;
            break;
        case PortKind::dma:
            break;
        }
        const std::string where =
            "master " + describe_port(port) + " of tile " + tile_name(col, row);
        if (ncol >= geometry.columns || nrow >= geometry.rows()) {
            result.error = where + " leads out of the array";
            return;
        }
        const auto slave = slave_port(geometry.kind(nrow), entry, port.index);
        if (!slave) {
            result.error = where + " has no matching " + port_kind_name(entry) + " port in tile " +
                           tile_name(ncol, nrow);
            return;
        }
        enter(ncol, nrow, *slave, switches, words);
    }
};

} // namespace

RouteResult resolve_route(const Geometry& geometry, const TimingTable& timing,
                          const SwitchLookup& lookup, unsigned col, unsigned row,
                          unsigned mm2s_channel, bool packet, unsigned packet_id) {
    Walker w{geometry, timing, lookup, packet, packet_id, {}, 0};
    const auto slave = slave_port(geometry.kind(row), PortKind::dma, mm2s_channel);
    if (!slave) {
        w.result.error = "no DMA slave port " + std::to_string(mm2s_channel);
        return w.result;
    }
    w.enter(col, row, *slave, 0, 0);
    if (!w.result.error.empty()) {
        w.result.destinations.clear();
        return w.result;
    }
    auto key = [](const StreamDestination& d) { return std::tie(d.col, d.row, d.channel); };
    std::sort(
        w.result.destinations.begin(), w.result.destinations.end(),
        [&key](const StreamDestination& a, const StreamDestination& b) { return key(a) < key(b); });
    // Two paths to the same channel (a configuration that loops back) would deliver the data
    // twice: refuse it like a loop.
    for (std::size_t i = 1; i < w.result.destinations.size(); ++i) {
        if (key(w.result.destinations[i]) == key(w.result.destinations[i - 1])) {
            w.result.error = "stream route reaches S2MM " +
                             std::to_string(w.result.destinations[i].channel) + " of tile " +
                             tile_name(w.result.destinations[i].col, w.result.destinations[i].row) +
                             " twice";
            w.result.destinations.clear();
        }
    }
    return w.result;
}

} // namespace aie4sim::tiles
