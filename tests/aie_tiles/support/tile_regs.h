#pragma once
// Direct register programming of an array for unit tests (no control code): addresses come
// from the geometry and the register map, values from the BD encoder.

#include "aie_tiles/aie_array.h"
#include "aie_tiles/format/bd_format.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/format/stream_ports.h"

#include <catch2/catch.hpp>

namespace aie4sim::testing {

using tiles::DmaDir;
using tiles::PortKind;
using tiles::PortRef;

class TileRegs {
public:
    explicit TileRegs(tiles::AieArray& array) : a_(array) {}

    [[nodiscard]] std::uint64_t addr(unsigned col, unsigned row, std::uint32_t offset) const {
        return a_.geometry().tile_address(col, row, offset);
    }
    [[nodiscard]] std::uint32_t base(unsigned row) const {
        return tiles::regs::register_base(a_.geometry().kind(row));
    }
    void write(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t value) {
        CHECK(a_.write32(addr(col, row, offset), value));
    }
    std::uint32_t read(unsigned col, unsigned row, std::uint32_t offset) {
        std::uint32_t v = 0xDEADBEEF;
        CHECK(a_.read32(addr(col, row, offset), v));
        return v;
    }
    // Register offsets relative to the tile's register base.
    void reg(unsigned col, unsigned row, std::uint32_t reg, std::uint32_t value) {
        write(col, row, base(row) + reg, value);
    }
    std::uint32_t reg(unsigned col, unsigned row, std::uint32_t reg) {
        return read(col, row, base(row) + reg);
    }

    void lock(unsigned col, unsigned row, unsigned id, int value) {
        reg(col, row, tiles::regs::kLockValue + id * tiles::regs::kLockValueStride,
            static_cast<std::uint32_t>(value));
    }
    int lock(unsigned col, unsigned row, unsigned id) {
        return static_cast<int>(
            reg(col, row, tiles::regs::kLockValue + id * tiles::regs::kLockValueStride));
    }

    void bd(unsigned col, unsigned row, DmaDir dir, unsigned ch, unsigned id,
            const tiles::BufferDescriptor& bd) {
        const auto words = tiles::encode_bd(bd);
        const std::uint32_t off = tiles::regs::bd_offset(a_.geometry().kind(row), dir, ch, id);
        for (unsigned i = 0; i < words.size(); ++i) {
            write(col, row, off + 4 * i, words[i]);
        }
    }
    std::uint32_t bd_word(unsigned col, unsigned row, DmaDir dir, unsigned ch, unsigned id,
                          unsigned word) {
        return read(col, row,
                    tiles::regs::bd_offset(a_.geometry().kind(row), dir, ch, id) + 4 * word);
    }
    void push(unsigned col, unsigned row, DmaDir dir, unsigned ch, unsigned bd,
              unsigned executions = 1, bool token = false) {
        write(col, row,
              tiles::regs::channel_offset(a_.geometry().kind(row), dir, ch,
                                          tiles::regs::kChannelStartQueue),
              tiles::regs::start_queue(bd, executions, token));
    }
    std::uint32_t channel(unsigned col, unsigned row, DmaDir dir, unsigned ch, std::uint32_t reg) {
        return read(col, row, tiles::regs::channel_offset(a_.geometry().kind(row), dir, ch, reg));
    }
    std::uint32_t status(unsigned col, unsigned row, DmaDir dir, unsigned ch) {
        return channel(col, row, dir, ch, tiles::regs::kChannelStatus);
    }
    void connect(unsigned col, unsigned row, PortRef slave, PortRef master) {
        const auto kind = a_.geometry().kind(row);
        const auto s = tiles::slave_port(kind, slave.kind, slave.index);
        const auto m = tiles::master_port(kind, master.kind, master.index);
        REQUIRE(s);
        REQUIRE(m);
        reg(col, row, tiles::regs::kSwitchSlave + 4 * *s, tiles::regs::kSwitchEnable);
        reg(col, row, tiles::regs::kSwitchMaster + 4 * *m, tiles::regs::switch_master_circuit(*s));
    }

private:
    tiles::AieArray& a_;
};

inline PortRef dma(unsigned i) {
    return PortRef{PortKind::dma, i};
}
inline PortRef north(unsigned i) {
    return PortRef{PortKind::north, i};
}
inline PortRef south(unsigned i) {
    return PortRef{PortKind::south, i};
}
inline PortRef east(unsigned i) {
    return PortRef{PortKind::east, i};
}
inline PortRef west(unsigned i) {
    return PortRef{PortKind::west, i};
}

} // namespace aie4sim::testing
