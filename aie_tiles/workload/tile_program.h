#pragma once
// AIE-level helpers over the assembly writer: "set this lock", "write this BD", "connect
// these switch ports", expressed in (column, row) of the partition and translated to register
// writes with the register map. Each operation goes to the uC of the column it configures
// (one uC per partition column), so every column's control code is its own. The workload
// builders are written against it; tests use it to set up the array too.

#include "aie_tiles/format/bd_format.h"
#include "aie_tiles/format/geometry.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/format/stream_ports.h"
#include "aie_tiles/workload/asm_writer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::tiles::workload {

// A BD's lock step as every builder uses it: acquire when the lock is at least 1 and take
// one, or release by giving one back (the same fields serve both).
inline BdLock lock(unsigned id) {
    return BdLock{true, false, id, 1};
}

class TileProgram {
public:
    explicit TileProgram(const Geometry& partition);

    [[nodiscard]] const Geometry& geometry() const { return geometry_; }
    // Partition-relative register address of `offset` in tile (col, row).
    [[nodiscard]] std::uint32_t address(unsigned col, unsigned row, std::uint32_t offset) const;

    void write(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t value);
    void block(unsigned col, unsigned row, std::uint32_t offset,
               const std::vector<std::uint32_t>& words);
    // Waits until (register & mask) == expected (the model's wait timeout bounds it).
    void poll(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t mask,
              std::uint32_t expected);

    void set_lock(unsigned col, unsigned row, unsigned id, int value);
    void reset_channel(unsigned col, unsigned row, DmaDir dir, unsigned channel);
    // Writes all 12 words of a BD (throws BuildError when a field does not fit).
    void bd(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned id,
            const BufferDescriptor& bd);
    // A shim BD whose address is host buffer `argument` + `offset`: the BD carries the offset,
    // and XRT (or the uC, given an argument list) adds the buffer's address.
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
    void wait_tokens(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned count);

    // Disables every master of the tile's switch (a clean slate for circuit routes).
    void clear_masters(unsigned col, unsigned row);
    // Circuit route inside one tile: `master` takes its data from `slave`, which is enabled.
    void connect(unsigned col, unsigned row, PortRef slave, PortRef master);

    AsmWriter& uc(unsigned col) { return ucs_.at(col); }
    // The whole program as aiebu assembly; `.partition` names `partition_columns` (default:
    // the columns the program configures).
    [[nodiscard]] std::string finish(unsigned partition_columns = 0);
    // Partition columns whose uC has code.
    [[nodiscard]] unsigned columns_used() const;

private:
    Geometry geometry_;
    std::vector<AsmWriter> ucs_;
};

} // namespace aie4sim::tiles::workload
