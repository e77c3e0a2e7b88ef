// Streaming operations: element-wise (add, mul, relu) and row-wise softmax
// (docs/aie_tiles.md §9).
//
// The data is a sequence of granules (an element, or a softmax row) that a core must see
// whole. Granules are grouped so that a group is a whole number of 32-bit words (the DMA's
// unit), groups into per-core blocks, and blocks into units of one block per core. Units are
// dealt to the columns in contiguous ranges. Per unit and core the shim streams the block's
// input(s) into L2, the memory tile forwards the full block (input x, then y, on one stream) to
// the core, the core runs the kernel on it and sends the full result block back to L2, and the
// memory tile sends only the valid part to the shim, which writes it to the output with a
// token per unit. Cores without data in a unit (the tail) are skipped in that unit.

#include "aie_tiles/kernels/kernel_api.h"
#include "aie_tiles/workload/column_flow.h"
#include "aie_tiles/workload/tile_program.h"
#include "aie_tiles/workload/workload.h"

#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>

namespace aie4sim::tiles::workload {

namespace {

using flow::kMaxCores;

constexpr unsigned kL1InEmpty = 0, kL1InFull = 1, kL1OutEmpty = 2, kL1OutFull = 3;
constexpr unsigned l2_x_empty(unsigned r) {
    return 2 * r;
}
constexpr unsigned l2_x_full(unsigned r) {
    return 2 * r + 1;
}
constexpr unsigned l2_y_empty(unsigned r) {
    return 8 + 2 * r;
}
constexpr unsigned l2_y_full(unsigned r) {
    return 9 + 2 * r;
}
constexpr unsigned l2_o_empty(unsigned r) {
    return 16 + 2 * r;
}
constexpr unsigned l2_o_full(unsigned r) {
    return 17 + 2 * r;
}

struct StreamOp {
    std::string name;
    kernels::KernelId kernel = kernels::KernelId::none;
    bool binary = false;
    DataType type = DataType::int8;
    std::uint64_t granules = 0; // elements or rows
    std::uint32_t granule_elems = 1;
    std::array<std::uint32_t, 8> params{}; // [0]/[1] filled per block below
    bool softmax = false;
};

struct Plan {
    std::uint32_t esize = 1;
    std::uint32_t group = 1; // granules per word-aligned group
    std::uint32_t group_bytes = 4;
    std::uint64_t groups = 0;       // groups in the whole data
    std::uint32_t block_groups = 1; // groups per core block
    std::uint32_t block_bytes = 4;
    unsigned cores = 1;
    unsigned columns = 1;
    std::uint64_t units = 0;

    // Groups core r holds in unit u (0 for the tail), and where they start.
    [[nodiscard]] std::uint64_t first_group(std::uint64_t u, unsigned r) const {
        return (u * cores + r) * block_groups;
    }
    [[nodiscard]] std::uint32_t groups_of(std::uint64_t u, unsigned r) const {
        const std::uint64_t first = first_group(u, r);
        return first >= groups ? 0
                               : static_cast<std::uint32_t>(
                                     std::min<std::uint64_t>(block_groups, groups - first));
    }
    std::uint32_t l2(unsigned buffer, unsigned r, unsigned slot) const {
        return ((buffer * kMaxCores + r) * 2 + slot) * block_bytes; // buffer: 0 x, 1 y, 2 out
    }
};

Plan make_plan(const StreamOp& op, const PartitionShape& part, const BuildOptions& opt) {
    Plan p;
    p.esize = data_type_size(op.type);
    const std::uint32_t granule_bytes = op.granule_elems * p.esize;
    p.group = 4 / std::gcd(granule_bytes, 4u);
    p.group_bytes = p.group * granule_bytes;
    p.groups = (op.granules + p.group - 1) / p.group;
    // Six block buffers in L1 (x, y, out, double-buffered).
    const std::uint32_t l1_limit = kCoreResources.memory_bytes / 6;
    if (p.group_bytes > l1_limit) {
        throw BuildError(op.name + ": a row of " + std::to_string(granule_bytes) +
                         " bytes does not fit the core's double-buffered blocks");
    }
    p.block_groups =
        std::max<std::uint32_t>(1, std::min(opt.block_bytes, l1_limit) / p.group_bytes);
    p.block_groups = static_cast<std::uint32_t>(std::min<std::uint64_t>(p.block_groups, p.groups));
    p.block_bytes = p.block_groups * p.group_bytes;
    const std::uint64_t blocks = (p.groups + p.block_groups - 1) / p.block_groups;
    unsigned cores = std::min(
        {part.core_rows, kMaxCores, opt.max_core_rows != 0 ? opt.max_core_rows : kMaxCores});
    p.cores = static_cast<unsigned>(std::min<std::uint64_t>(cores, blocks));
    p.units = (blocks + p.cores - 1) / p.cores;
    unsigned columns = part.columns;
    if (opt.max_columns != 0) {
        columns = std::min(columns, opt.max_columns);
    }
    p.columns = static_cast<unsigned>(std::min<std::uint64_t>(columns, p.units));
    return p;
}

std::uint64_t part_start(std::uint64_t total, std::uint64_t parts, std::uint64_t i) {
    return i * (total / parts) + std::min(i, total % parts);
}

class StreamWriter {
public:
    StreamWriter(const StreamOp& op, const Plan& plan, const PartitionShape& part)
        : op_(op), p_(plan), prog_(Geometry{part.columns, part.core_rows, part.mem_rows}) {}

    std::string write() {
        const unsigned out_arg = op_.binary ? 2 : 1;
        for (unsigned c = 0; c < p_.columns; ++c) {
            const std::uint64_t first = part_start(p_.units, p_.columns, c);
            const std::uint64_t last = part_start(p_.units, p_.columns, c + 1);
            setup_column(c, first, last);
        }
        std::uint64_t steps = 0;
        for (unsigned c = 0; c < p_.columns; ++c) {
            steps = std::max(steps, part_start(p_.units, p_.columns, c + 1) -
                                        part_start(p_.units, p_.columns, c));
        }
        for (std::uint64_t t = 0; t < steps; ++t) {
            for (unsigned c = 0; c < p_.columns; ++c) {
                const std::uint64_t first = part_start(p_.units, p_.columns, c);
                if (first + t >= part_start(p_.units, p_.columns, c + 1)) {
                    continue;
                }
                if (t >= flow::kUnitsInFlight) {
                    wait_unit(c);
                }
                unit(c, first + t, static_cast<unsigned>(t % flow::kUnitsInFlight), out_arg);
            }
        }
        for (unsigned c = 0; c < p_.columns; ++c) {
            while (!pending_[c].empty()) {
                wait_unit(c);
            }
            for (unsigned r = 0; r < p_.cores; ++r) {
                if (core_units_[c][r] > 0) {
                    prog_.poll(c, prog_.geometry().first_core_row() + r, regs::kCoreStatus,
                               regs::kCoreStatusDone | regs::kCoreStatusError,
                               regs::kCoreStatusDone);
                }
            }
        }
        return prog_.finish();
    }

private:
    void setup_column(unsigned c, std::uint64_t first, std::uint64_t last) {
        const unsigned mem = 1;
        const unsigned first_core = prog_.geometry().first_core_row();
        flow::route_column(prog_, c, p_.cores, op_.binary, false);
        for (unsigned r = 0; r < p_.cores; ++r) {
            for (const unsigned id : {l2_x_empty(r), l2_y_empty(r), l2_o_empty(r)}) {
                prog_.set_lock(c, mem, id, 2);
            }
            for (const unsigned id : {l2_x_full(r), l2_y_full(r), l2_o_full(r)}) {
                prog_.set_lock(c, mem, id, 0);
            }
        }
        core_units_[c].fill(0);
        for (std::uint64_t u = first; u < last; ++u) {
            for (unsigned r = 0; r < p_.cores; ++r) {
                if (p_.groups_of(u, r) > 0) {
                    ++core_units_[c][r];
                }
            }
        }
        const std::uint32_t bb = p_.block_bytes;
        for (unsigned r = 0; r < p_.cores; ++r) {
            const std::uint64_t units = core_units_[c][r];
            if (units == 0) {
                continue;
            }
            const unsigned row = first_core + r;
            prog_.set_lock(c, row, kL1InEmpty, 2);
            prog_.set_lock(c, row, kL1InFull, 0);
            prog_.set_lock(c, row, kL1OutEmpty, 2);
            prog_.set_lock(c, row, kL1OutFull, 0);
            // L1 layout: x ring at 0, y ring at 2*bb, out ring at 4*bb.
            auto ring = [bb](std::uint32_t addr) {
                BufferDescriptor bd = linear_bd(addr, bb);
                bd.iter_wrap = 2;
                bd.iter_step = bb / 4;
                return bd;
            };
            BufferDescriptor x = ring(0);
            x.acquire = lock(kL1InEmpty);
            if (op_.binary) {
                BufferDescriptor y = ring(2 * bb);
                y.release = lock(kL1InFull);
                x.use_next = true;
                x.next_bd = 1;
                prog_.bd(c, row, DmaDir::s2mm, 0, 1, y);
            } else {
                x.release = lock(kL1InFull);
            }
            prog_.bd(c, row, DmaDir::s2mm, 0, 0, x);
            prog_.push_many(c, row, DmaDir::s2mm, 0, 0, units);
            BufferDescriptor out = ring(4 * bb);
            out.acquire = lock(kL1OutFull);
            out.release = lock(kL1OutEmpty);
            prog_.bd(c, row, DmaDir::mm2s, 0, 2, out);
            prog_.push_many(c, row, DmaDir::mm2s, 0, 2, units);

            std::array<std::uint32_t, 8> params = op_.params;
            if (op_.softmax) {
                params[0] = p_.block_groups * p_.group; // rows
                params[1] = op_.granule_elems;          // cols
            } else {
                params[0] = p_.block_groups * p_.group; // elements
            }
            prog_.write(c, row, regs::kCoreKernel, static_cast<std::uint32_t>(op_.kernel));
            prog_.block(c, row, regs::kCoreParams,
                        std::vector<std::uint32_t>(params.begin(), params.end()));
            prog_.write(c, row, regs::kCoreInnerCount, static_cast<std::uint32_t>(units));
            prog_.write(c, row, regs::kCoreOuterCount, 1);
            prog_.write(c, row, regs::kCoreFlags, 0);
            const std::uint32_t none = 0;
            prog_.block(c, row, regs::kCorePorts,
                        {0, 2, bb, regs::core_lock_word(true, false, kL1InFull, 1),
                         regs::core_lock_word(true, false, kL1InEmpty, 1), 0});
            prog_.block(c, row, regs::kCorePorts + regs::kCorePortStride,
                        {2 * bb, 2, bb, none, none, 0});
            prog_.block(c, row, regs::kCorePorts + 2 * regs::kCorePortStride,
                        {4 * bb, 2, bb, regs::core_lock_word(true, false, kL1OutEmpty, 1),
                         regs::core_lock_word(true, false, kL1OutFull, 1), 0});
            prog_.write(c, row, regs::kCoreControl,
                        regs::kCoreControlReset | regs::kCoreControlStart);
        }
    }

    void wait_unit(unsigned c) {
        const auto lanes = pending_[c].front();
        pending_[c].erase(pending_[c].begin());
        for (unsigned lane = 0; lane < 2; ++lane) {
            if (lanes[lane]) {
                prog_.wait_tokens(c, 0, DmaDir::s2mm, lane, 1);
            }
        }
    }

    // `ring` numbers the unit's BDs (kUnitsInFlight sets); `slot` = ring % 2 picks the
    // double-buffered L2 buffers, whose lock pairs keep the units in order.
    void unit(unsigned c, std::uint64_t u, unsigned ring, unsigned out_arg) {
        const unsigned mem = 1;
        const unsigned slot = ring % 2;
        const std::uint64_t gb = p_.group_bytes;
        std::uint64_t unit_groups = 0;
        for (unsigned r = 0; r < p_.cores; ++r) {
            unit_groups += p_.groups_of(u, r);
        }
        const std::uint64_t unit_offset = p_.first_group(u, 0) * gb;
        // Host -> L2: each input of the unit, split into the cores' buffers.
        for (unsigned input = 0; input < (op_.binary ? 2u : 1u); ++input) {
            const unsigned shim_ch = input == 0 ? flow::kShimInput0 : flow::kShimInput1;
            const unsigned mem_ch = input == 0 ? flow::kMemInput0 : flow::kMemInput1;
            // The shim's 16 BDs are shared by its channels: input i uses BDs 4i..4i+3, the
            // result lanes 8..11 and 12..15.
            const unsigned shim_bd = 4 * input + ring;
            prog_.host_bd(c, DmaDir::mm2s, shim_ch, shim_bd,
                          linear_bd(0, static_cast<std::uint32_t>(unit_groups * gb)), input,
                          unit_offset);
            prog_.push(c, 0, DmaDir::mm2s, shim_ch, shim_bd, 1, false);
            std::vector<BufferDescriptor> chain;
            for (unsigned r = 0; r < p_.cores; ++r) {
                const std::uint32_t g = p_.groups_of(u, r);
                if (g == 0) {
                    continue;
                }
                BufferDescriptor bd =
                    linear_bd(p_.l2(input, r, slot), static_cast<std::uint32_t>(g * gb));
                bd.acquire = lock(input == 0 ? l2_x_empty(r) : l2_y_empty(r));
                bd.release = lock(input == 0 ? l2_x_full(r) : l2_y_full(r));
                chain.push_back(bd);
            }
            prog_.chain(c, mem, DmaDir::s2mm, mem_ch, ring * kMaxCores, chain);
        }
        // L2 -> core r (x block, then y block), core r -> L2.
        for (unsigned r = 0; r < p_.cores; ++r) {
            if (p_.groups_of(u, r) == 0) {
                continue;
            }
            std::vector<BufferDescriptor> chain;
            BufferDescriptor x = linear_bd(p_.l2(0, r, slot), p_.block_bytes);
            x.acquire = lock(l2_x_full(r));
            x.release = lock(l2_x_empty(r));
            chain.push_back(x);
            if (op_.binary) {
                BufferDescriptor y = linear_bd(p_.l2(1, r, slot), p_.block_bytes);
                y.acquire = lock(l2_y_full(r));
                y.release = lock(l2_y_empty(r));
                chain.push_back(y);
            }
            prog_.chain(c, mem, DmaDir::mm2s, r, ring * 2, chain);
            BufferDescriptor back = linear_bd(p_.l2(2, r, slot), p_.block_bytes);
            back.acquire = lock(l2_o_empty(r));
            back.release = lock(l2_o_full(r));
            prog_.chain(c, mem, DmaDir::s2mm, flow::kMemResultIn + r, ring, {back});
        }
        // L2 -> host: the valid part of each core's result. A lane's cores hold neighbouring
        // pieces of the output, so one host BD per lane covers them.
        std::array<bool, 2> lanes{false, false};
        for (unsigned lane = 0; lane < 2; ++lane) {
            std::vector<BufferDescriptor> out;
            std::uint64_t bytes = 0;
            std::uint64_t offset = 0;
            for (unsigned r = 0; r < p_.cores; ++r) {
                const std::uint32_t g = p_.groups_of(u, r);
                if (flow::result_lane(r, p_.cores) != lane || g == 0) {
                    continue;
                }
                if (out.empty()) {
                    offset = p_.first_group(u, r) * gb;
                }
                BufferDescriptor bd =
                    linear_bd(p_.l2(2, r, slot), static_cast<std::uint32_t>(g * gb));
                bd.acquire = lock(l2_o_full(r));
                bd.release = lock(l2_o_empty(r));
                out.push_back(bd);
                bytes += g * gb;
            }
            if (out.empty()) {
                continue;
            }
            lanes[lane] = true;
            prog_.chain(c, mem, DmaDir::mm2s, flow::kMemResultOut + lane, ring * 2, out);
            const unsigned bd_id = 8 + 4 * lane + ring;
            prog_.host_bd(c, DmaDir::s2mm, lane, bd_id,
                          linear_bd(0, static_cast<std::uint32_t>(bytes)), out_arg, offset);
            prog_.push(c, 0, DmaDir::s2mm, lane, bd_id, 1, true);
        }
        pending_[c].push_back(lanes);
    }

    const StreamOp& op_;
    const Plan& p_;
    TileProgram prog_;
    std::vector<std::vector<std::array<bool, 2>>> pending_ =
        std::vector<std::vector<std::array<bool, 2>>>(kMaxColumns);
    std::vector<std::array<std::uint64_t, kMaxCores>> core_units_ =
        std::vector<std::array<std::uint64_t, kMaxCores>>(kMaxColumns);
};

Workload build(const StreamOp& op, const PartitionShape& part, const BuildOptions& opt) {
    check_partition(part);
    if (op.granules == 0 || op.granule_elems == 0) {
        throw BuildError(op.name + ": empty input");
    }
    const Plan p = make_plan(op, part, opt);
    Workload w;
    w.op = op.name;
    const std::uint64_t alloc_granules = p.groups * p.group;
    if (alloc_granules > 0xFFFFFFFFu) {
        throw BuildError(op.name + ": too many elements");
    }
    auto buffer = [&](const char* name, BufferRole role) {
        HostBuffer b;
        b.name = name;
        b.role = role;
        b.type = op.type;
        if (op.softmax) {
            b.rows = static_cast<std::uint32_t>(op.granules);
            b.cols = op.granule_elems;
            b.ld = op.granule_elems;
            b.alloc_rows = static_cast<std::uint32_t>(alloc_granules);
        } else {
            b.rows = 1;
            b.alloc_rows = 1;
            b.cols = static_cast<std::uint32_t>(op.granules);
            b.ld = static_cast<std::uint32_t>(alloc_granules);
        }
        return b;
    };
    w.buffers.push_back(buffer("x", BufferRole::input));
    if (op.binary) {
        w.buffers.push_back(buffer("y", BufferRole::input));
    }
    w.buffers.push_back(buffer("out", BufferRole::output));
    StreamWriter writer(op, p, part);
    w.assembly = writer.write();
    w.columns_used = p.columns;
    w.cores_used = p.columns * p.cores;
    w.useful_ops = op.granules * op.granule_elems;
    std::ostringstream plan;
    plan << "blocks of " << p.block_bytes << " bytes (" << p.block_groups * p.group
         << (op.softmax ? " rows" : " elements") << "), " << p.units << " unit(s) of " << p.cores
         << " core(s) on " << p.columns << " column(s)";
    w.plan = plan.str();
    return w;
}

} // namespace

Workload build_eltwise(const EltwiseSpec& spec, const PartitionShape& part,
                       const BuildOptions& opt) {
    if (spec.type != DataType::int8 && spec.type != DataType::bf16) {
        throw BuildError("eltwise: type must be int8 or bf16");
    }
    const bool i8 = spec.type == DataType::int8;
    StreamOp op;
    op.type = spec.type;
    op.granules = spec.count;
    op.binary = spec.op != EltwiseOp::relu;
    const char* name = "add";
    switch (spec.op) {
    case EltwiseOp::add:
        op.kernel = i8 ? kernels::KernelId::add_i8 : kernels::KernelId::add_bf16;
        break;
    case EltwiseOp::mul:
        name = "mul";
        op.kernel = i8 ? kernels::KernelId::mul_i8 : kernels::KernelId::mul_bf16;
        if (i8) {
            if (spec.shift > 31) {
                throw BuildError("eltwise mul: shift must be 0..31");
            }
            op.params[1] = spec.shift;
        }
        break;
    case EltwiseOp::relu:
        name = "relu";
        op.kernel = i8 ? kernels::KernelId::relu_i8 : kernels::KernelId::relu_bf16;
        break;
    }
    op.name = std::string(name) + (i8 ? "_i8 " : "_bf16 ") + std::to_string(spec.count);
    Workload w = build(op, part, opt);
    w.spec = spec;
    return w;
}

Workload build_softmax(const SoftmaxSpec& spec, const PartitionShape& part,
                       const BuildOptions& opt) {
    StreamOp op;
    op.name = "softmax_bf16 " + std::to_string(spec.rows) + "x" + std::to_string(spec.cols);
    op.kernel = kernels::KernelId::softmax_bf16;
    op.type = DataType::bf16;
    op.granules = spec.rows;
    op.granule_elems = spec.cols;
    op.softmax = true;
    Workload w = build(op, part, opt);
    w.spec = spec;
    return w;
}

} // namespace aie4sim::tiles::workload
