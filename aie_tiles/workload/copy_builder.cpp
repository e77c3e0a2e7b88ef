// Data movement only: host -> shim MM2S0 -> memory tile S2MM0 (L2, double-buffered under a lock
// pair) -> memory tile MM2S0 -> shim S2MM0 -> host, block by block, with a task-completion
// token per block written back (docs/aie_tiles.md §9). No core runs.

#include "aie_tiles/workload/tile_program.h"
#include "aie_tiles/workload/workload.h"

#include <algorithm>
#include <sstream>

namespace aie4sim::tiles::workload {

namespace {

constexpr unsigned kMem = 1;
constexpr unsigned kEmpty = 0, kFull = 1;
// Shim BDs (16, shared): inputs 0..3, outputs 8..11, one per block in flight.
constexpr unsigned kInBd = 0, kOutBd = 8;
constexpr unsigned kInFlight = 4;
// Memory tile BDs (per channel): slot 0, slot 1, the shorter last block of a column.
constexpr unsigned kSlotBd = 0, kTailBd = 2;

PortRef dma(unsigned i) {
    return PortRef{PortKind::dma, i};
}

} // namespace

Workload build_copy(const CopySpec& spec, const PartitionShape& part, const BuildOptions& opt) {
    if (spec.bytes == 0 || spec.bytes > (1ull << 30)) {
        throw BuildError("copy: 1 byte to 1 GiB, not " + std::to_string(spec.bytes));
    }
    if (part.mem_rows != 1) {
        throw BuildError("the workload builder needs exactly one memory tile row");
    }
    const std::uint64_t words = (spec.bytes + 3) / 4;
    // Blocks of 4 KiB .. 64 KiB (two of them sit in L2).
    const std::uint64_t block_words = std::min<std::uint64_t>(
        std::clamp<std::uint32_t>(opt.copy_block_bytes, 4096, 65536) / 4, words);
    const std::uint64_t blocks = (words + block_words - 1) / block_words;
    unsigned columns =
        opt.max_columns != 0 ? std::min(part.columns, opt.max_columns) : part.columns;
    columns = static_cast<unsigned>(std::min<std::uint64_t>(columns, blocks));

    TileProgram prog(Geometry{part.columns, part.core_rows, part.mem_rows});
    for (unsigned c = 0; c < columns; ++c) {
        const std::uint64_t first =
            c * (blocks / columns) + std::min<std::uint64_t>(c, blocks % columns);
        const std::uint64_t count = blocks / columns + (c < blocks % columns ? 1 : 0);
        const std::uint64_t last_words =
            std::min(words, (first + count) * block_words) - (first + count - 1) * block_words;
        for (unsigned row = 0; row <= kMem; ++row) {
            prog.reset_channel(c, row, DmaDir::mm2s, 0);
            prog.reset_channel(c, row, DmaDir::s2mm, 0);
            prog.clear_masters(c, row);
        }
        prog.connect(c, 0, dma(0), PortRef{PortKind::north, 0});
        prog.connect(c, kMem, PortRef{PortKind::south, 0}, dma(0));
        prog.connect(c, kMem, dma(0), PortRef{PortKind::south, 0});
        prog.connect(c, 0, PortRef{PortKind::north, 0}, dma(0));
        prog.set_lock(c, kMem, kEmpty, 2);
        prog.set_lock(c, kMem, kFull, 0);
        const auto slot_bytes = static_cast<std::uint32_t>(block_words * 4);
        for (unsigned slot = 0; slot < 2; ++slot) {
            BufferDescriptor in = linear_bd(std::uint64_t{slot} * slot_bytes, slot_bytes);
            in.acquire = lock(kEmpty);
            in.release = lock(kFull);
            prog.bd(c, kMem, DmaDir::s2mm, 0, kSlotBd + slot, in);
            BufferDescriptor out = linear_bd(std::uint64_t{slot} * slot_bytes, slot_bytes);
            out.acquire = lock(kFull);
            out.release = lock(kEmpty);
            prog.bd(c, kMem, DmaDir::mm2s, 0, kSlotBd + slot, out);
        }
        // The last block of the column, in whichever slot it falls.
        const auto tail_slot = static_cast<unsigned>((count - 1) % 2);
        BufferDescriptor tail_in = linear_bd(std::uint64_t{tail_slot} * slot_bytes,
                                             static_cast<std::uint32_t>(last_words * 4));
        tail_in.acquire = lock(kEmpty);
        tail_in.release = lock(kFull);
        prog.bd(c, kMem, DmaDir::s2mm, 0, kTailBd, tail_in);
        BufferDescriptor tail_out = tail_in;
        tail_out.acquire = lock(kFull);
        tail_out.release = lock(kEmpty);
        prog.bd(c, kMem, DmaDir::mm2s, 0, kTailBd, tail_out);

        for (std::uint64_t t = 0; t < count; ++t) {
            if (t >= kInFlight) {
                prog.wait_tokens(c, 0, DmaDir::s2mm, 0, 1);
            }
            const bool tail = t + 1 == count;
            const std::uint64_t offset = (first + t) * block_words * 4;
            const auto bytes = static_cast<std::uint32_t>((tail ? last_words : block_words) * 4);
            const auto ring = static_cast<unsigned>(t % kInFlight);
            const unsigned mem_bd = tail ? kTailBd : kSlotBd + static_cast<unsigned>(t % 2);
            prog.host_bd(c, DmaDir::mm2s, 0, kInBd + ring, linear_bd(0, bytes), 0, offset);
            prog.push(c, 0, DmaDir::mm2s, 0, kInBd + ring, 1, false);
            prog.push(c, kMem, DmaDir::s2mm, 0, mem_bd, 1, false);
            prog.push(c, kMem, DmaDir::mm2s, 0, mem_bd, 1, false);
            prog.host_bd(c, DmaDir::s2mm, 0, kOutBd + ring, linear_bd(0, bytes), 1, offset);
            prog.push(c, 0, DmaDir::s2mm, 0, kOutBd + ring, 1, true);
        }
        prog.wait_tokens(c, 0, DmaDir::s2mm, 0,
                         static_cast<unsigned>(std::min<std::uint64_t>(count, kInFlight)));
    }

    Workload w;
    w.spec = spec;
    std::ostringstream name;
    name << "copy " << spec.bytes << " bytes";
    w.op = name.str();
    const auto bytes = static_cast<std::uint32_t>(spec.bytes);
    const auto ld = static_cast<std::uint32_t>(words * 4);
    w.buffers.push_back(HostBuffer{"in", BufferRole::input, DataType::int8, 1, bytes, ld, 1});
    w.buffers.push_back(HostBuffer{"out", BufferRole::output, DataType::int8, 1, bytes, ld, 1});
    w.assembly = prog.finish();
    w.columns_used = columns;
    w.cores_used = 0;
    w.useful_ops = spec.bytes;
    std::ostringstream plan;
    plan << blocks << " block(s) of up to " << block_words * 4 << " bytes through L2 on " << columns
         << " column(s)";
    w.plan = plan.str();
    return w;
}

} // namespace aie4sim::tiles::workload
