#pragma once
// AIE-level helpers over the control-code writer: "set this lock", "write this BD", "connect
// these switch ports", expressed in (column, row) of the partition and translated to register
// writes with the register map. The workload builders are written against it; tests use it
// to set up the array too.

#include "aie_tiles/format/bd_format.h"
#include "aie_tiles/format/control_code_format.h"
#include "aie_tiles/format/geometry.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/format/stream_ports.h"

#include <cstdint>
#include <vector>

namespace aie4sim::tiles::host {

class TileProgram {
public:
    explicit TileProgram(const Geometry& partition) : geometry_(partition) {}

    [[nodiscard]] const Geometry& geometry() const { return geometry_; }
    // Partition-relative register address of `offset` in tile (col, row).
    [[nodiscard]] std::uint32_t address(unsigned col, unsigned row, std::uint32_t offset) const;

    void write(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t value);
    void block(unsigned col, unsigned row, std::uint32_t offset,
               const std::vector<std::uint32_t>& words);
    void poll(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t mask,
              std::uint32_t expected, std::uint32_t timeout);

    void set_lock(unsigned col, unsigned row, unsigned id, int value);
    void reset_channel(unsigned col, unsigned row, DmaDir dir, unsigned channel);
    // Writes all 12 words of a BD (throws BuildError when a field does not fit).
    void bd(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned id,
            const BufferDescriptor& bd);
    // A shim BD whose address is host buffer `argument` + `offset`: the BD is written with a
    // zero address, then PATCH_ADDRESS fills it in at run time.
    void host_bd(unsigned col, DmaDir dir, unsigned channel, unsigned id, BufferDescriptor bd,
                 unsigned argument, std::uint64_t offset);
    void push(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned bd,
              unsigned executions, bool token);
    // Writes `chain` as BDs first, first + 1, ... of a channel's pool, each linked to the next,
    // and starts it as one task. An empty chain writes and starts nothing.
    void chain(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned first,
               std::vector<BufferDescriptor> bds);
    // Pushes `executions` runs of a BD chain as tasks of at most 4096 executions each.
    void push_many(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned bd,
                   std::uint64_t executions);
    void wait_tokens(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned count,
                     std::uint32_t timeout);

    // Disables every master of the tile's switch (a clean slate for circuit routes).
    void clear_masters(unsigned col, unsigned row);
    // Circuit route inside one tile: `master` takes its data from `slave`, which is enabled.
    void connect(unsigned col, unsigned row, PortRef slave, PortRef master);

    cc::Writer& writer() { return writer_; }
    [[nodiscard]] std::vector<std::uint8_t> finish() const {
        return writer_.finish(static_cast<std::uint16_t>(geometry_.columns));
    }

private:
    Geometry geometry_;
    cc::Writer writer_;
};

} // namespace aie4sim::tiles::host
