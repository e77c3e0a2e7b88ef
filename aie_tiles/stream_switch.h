#pragma once
// Configuration registers of one tile's stream switch (register_map.h "Stream switch" and
// stream_ports.h for the port numbering). The switch itself moves no data: StreamRouter reads
// these registers to find where a DMA's stream goes.
//
//   MASTER m (0x3F000 + 4m): [31] enable, [30] packet mode, [5:0] source slave (circuit mode)
//   SLAVE s  (0x3F100 + 4s): [31] enable, [30] packet mode
//   SLOT s,k (0x3F200 + 0x10s + 4k): [31] enable, [28:24] id, [20:16] mask, [5:0] master
//
// Circuit mode: every enabled circuit master whose source is slave s receives s's stream (one
// slave may feed several masters: broadcast). Packet mode: a packet entering slave s goes to
// the master of the first enabled slot k whose (id & mask) equals (packet id & mask); that
// master must be enabled in packet mode. Values with reserved bits or out-of-range port
// numbers are refused (the register keeps its old value) and reported as a register error.

#include "aie_tiles/format/geometry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::tiles {

class StreamSwitch {
public:
    explicit StreamSwitch(TileKind kind);

    [[nodiscard]] TileKind kind() const { return kind_; }
    [[nodiscard]] unsigned masters() const { return static_cast<unsigned>(master_.size()); }
    [[nodiscard]] unsigned slaves() const { return static_cast<unsigned>(slave_.size()); }
    [[nodiscard]] std::uint32_t master(unsigned m) const { return master_[m]; }
    [[nodiscard]] std::uint32_t slave(unsigned s) const { return slave_[s]; }
    [[nodiscard]] std::uint32_t slot(unsigned s, unsigned k) const { return slot_[s * 4 + k]; }

    // Size of the register block (from the switch base).
    [[nodiscard]] std::uint32_t block_size() const;
    // `offset` is relative to the switch base. False when unmapped. A refused value sets
    // `error` (and returns true: the access itself was decoded).
    bool read(std::uint32_t offset, std::uint32_t& value) const;
    bool write(std::uint32_t offset, std::uint32_t value, std::string& error);

    void reset();

private:
    TileKind kind_;
    std::vector<std::uint32_t> master_;
    std::vector<std::uint32_t> slave_;
    std::vector<std::uint32_t> slot_;
};

} // namespace aie4sim::tiles
