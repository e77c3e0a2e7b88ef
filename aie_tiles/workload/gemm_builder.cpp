// GEMM C = A * B on the partition (docs/aie_tiles.md §9).
//
// Tiling: each core computes an m_t x n_t block of C, accumulating over K in chunks of k_t.
// The rows of C are cut into super-panels of `cores` row blocks (one per core, split as evenly
// as possible, so every core has at least one real row); the columns into n-blocks of n_t.
// A unit is (super-panel, n-block); the units, super-panel major, are dealt to the columns in
// contiguous ranges so that a column reloads A only when its super-panel changes.
//
// Per column: the shim streams the super-panel's rows of A (contiguous in host memory) into
// per-core A buffers in L2 and the n-block of B into an L2 B buffer; the memory tile sends
// each core its A rows chunk by chunk (zero-padding the last K chunk) and broadcasts the B
// chunks to all cores; each core accumulates its C block in L1 over the K chunks and sends it
// down to L2; the memory tile sends the valid part of each C block to the shim, which writes
// it to C with a token per unit. Every L1/L2 buffer is double-buffered under a lock pair
// (empty, full) with one producer and one consumer.
//
// Rows of A beyond M and columns of B beyond N are never fetched; the cores compute garbage
// there from stale buffer contents, and those results are never written back. Only the K
// padding must be zero, and it is: the host layout pads A's rows to 4 bytes with zeros and the
// memory tile pads every chunk beyond K with zeros.

#include "aie_tiles/kernels/kernel_api.h"
#include "aie_tiles/workload/column_flow.h"
#include "aie_tiles/workload/tile_program.h"
#include "aie_tiles/workload/workload.h"

#include <algorithm>
#include <sstream>

namespace aie4sim::tiles::workload {

namespace {

using flow::kMaxCores;

// In 64 bits, so that no 32-bit input can wrap; make_plan checks its results fit 32 bits.
std::uint64_t round_up64(std::uint64_t v, std::uint64_t a) {
    return (v + a - 1) / a * a;
}
std::uint64_t ceil_div64(std::uint64_t a, std::uint64_t b) {
    return (a + b - 1) / b;
}
std::uint32_t round_up(std::uint32_t v, std::uint32_t a) {
    return static_cast<std::uint32_t>(round_up64(v, a));
}
std::uint32_t ceil_div(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::uint32_t>(ceil_div64(a, b));
}

// What the builder accepts, beyond K <= kMaxWrap. Buffer offsets and the plan's sizes are
// 32-bit, so every buffer stays within 4 GiB; the control code grows with every unit (an m-tile
// by n-tile block of C), so a GEMM has at most kMaxGemmUnits of them (tens of MiB of code).
constexpr std::uint64_t kMaxGemmBufferBytes = std::uint64_t{1} << 32;
constexpr std::uint64_t kMaxGemmUnits = std::uint64_t{1} << 16;

void check_buffer(const char* name, const char* shape, std::uint64_t bytes) {
    if (bytes > kMaxGemmBufferBytes) {
        throw BuildError(std::string("gemm: ") + name + " (" + shape + ") would take " +
                         std::to_string(bytes) + " bytes, above the builder's limit of " +
                         std::to_string(kMaxGemmBufferBytes) + " bytes (4 GiB) per buffer");
    }
}

// Even split of `total` into `parts` (first ones one larger).
std::uint32_t part_size(std::uint32_t total, std::uint32_t parts, std::uint32_t i) {
    return total / parts + (i < total % parts ? 1 : 0);
}
std::uint32_t part_start(std::uint32_t total, std::uint32_t parts, std::uint32_t i) {
    return i * (total / parts) + std::min(i, total % parts);
}

// L1 locks of each core.
constexpr unsigned kL1AEmpty = 0, kL1AFull = 1, kL1BEmpty = 2, kL1BFull = 3, kL1CEmpty = 4,
                   kL1CFull = 5;
// L2 locks: per core r: A pair at 2r, 2r+1; B pair at 8, 9; per core C pair at 10+2r, 11+2r.
constexpr unsigned l2_a_empty(unsigned r) {
    return 2 * r;
}
constexpr unsigned l2_a_full(unsigned r) {
    return 2 * r + 1;
}
constexpr unsigned kL2BEmpty = 8, kL2BFull = 9;
constexpr unsigned l2_c_empty(unsigned r) {
    return 10 + 2 * r;
}
constexpr unsigned l2_c_full(unsigned r) {
    return 11 + 2 * r;
}

struct Plan {
    std::uint32_t m, k, n, esize;
    std::uint32_t k_al, n_al; // padded leading dimensions (elements)
    unsigned cores, columns;
    std::uint32_t panels;        // super-panels
    std::uint32_t m_t, k_t, n_t; // per-core tile
    std::uint32_t n_blocks, k_chunks;
    // L1 byte sizes.
    std::uint32_t a1, b1, c1;
    // L2 byte sizes.
    std::uint32_t a2, b2, c2;

    std::uint32_t panel_rows(std::uint32_t s) const { return part_size(m, panels, s); }
    std::uint32_t panel_start(std::uint32_t s) const { return part_start(m, panels, s); }
    std::uint32_t core_rows(std::uint32_t s, unsigned r) const {
        return part_size(panel_rows(s), cores, r);
    }
    std::uint32_t core_start(std::uint32_t s, unsigned r) const {
        return panel_start(s) + part_start(panel_rows(s), cores, r);
    }
    // Valid columns of C in n-block j, and the columns of B (in N_al) it fetches.
    std::uint32_t c_cols(std::uint32_t j) const { return std::min(n, (j + 1) * n_t) - j * n_t; }
    std::uint32_t b_cols(std::uint32_t j) const { return std::min(n_al, (j + 1) * n_t) - j * n_t; }
    // L2 addresses.
    std::uint32_t l2_a(unsigned r, unsigned slot) const { return (2 * r + slot) * a2; }
    std::uint32_t l2_b(unsigned slot) const { return 2 * kMaxCores * a2 + slot * b2; }
    std::uint32_t l2_c(unsigned r, unsigned slot) const {
        return 2 * kMaxCores * a2 + 2 * b2 + (2 * r + slot) * c2;
    }
    std::uint32_t l2_end() const { return l2_c(kMaxCores - 1, 1) + c2; }
    // L1 addresses.
    std::uint32_t l1_a() const { return 0; }
    std::uint32_t l1_b() const { return 2 * a1; }
    std::uint32_t l1_c() const { return 2 * a1 + 2 * b1; }
    std::uint32_t l1_end() const { return l1_c() + 2 * c1; }
};

Plan make_plan(const GemmSpec& spec, const PartitionShape& part, const BuildOptions& opt) {
    if (spec.m == 0 || spec.k == 0 || spec.n == 0) {
        throw BuildError("gemm: M, K and N must be non-zero");
    }
    Plan p{};
    p.m = spec.m;
    p.k = spec.k;
    p.n = spec.n;
    p.esize = spec.type == GemmType::int8_int32 ? 1 : 2;
    const std::uint32_t align = 4 / p.esize; // elements per word
    p.k_al = round_up(p.k, align);
    p.n_al = round_up(p.n, align);
    if (p.k > kMaxWrap) {
        throw BuildError("gemm: K = " + std::to_string(p.k) + " is above the limit of " +
                         std::to_string(kMaxWrap) + " (one BD dimension walks the rows of B)");
    }
    // Checked in 64 bits before anything below computes in 32.
    const std::uint64_t m64 = spec.m, n64 = spec.n;
    check_buffer("A", "M x K", m64 * round_up64(p.k, align) * p.esize);
    check_buffer("B", "K x N", std::uint64_t{p.k} * round_up64(n64, align) * p.esize);
    check_buffer("C", "M x N, 4-byte results", m64 * n64 * 4);
    unsigned cores = std::min(
        {part.core_rows, kMaxCores, opt.max_core_rows != 0 ? opt.max_core_rows : kMaxCores});
    cores = static_cast<unsigned>(std::min<std::uint32_t>(cores, p.m));
    p.cores = cores;
    const std::uint32_t max_m = std::max<std::uint32_t>(1, opt.max_tile_m);
    {
        const std::uint64_t tile_n =
            round_up64(std::max<std::uint32_t>(opt.max_tile_n, align), align);
        const std::uint64_t units = ceil_div64(m64, std::uint64_t{cores} * max_m) *
                                    ceil_div64(n64, std::min(tile_n, round_up64(n64, align)));
        if (units > kMaxGemmUnits) {
            throw BuildError("gemm: " + std::to_string(m64) + " x " + std::to_string(n64) +
                             " needs " + std::to_string(units) +
                             " blocks of C, above the limit of " + std::to_string(kMaxGemmUnits) +
                             " (the control code grows with every block)");
        }
    }
    p.panels = ceil_div(p.m, cores * max_m);
    p.m_t = ceil_div(ceil_div(p.m, p.panels), cores);
    const std::uint32_t max_k =
        opt.max_tile_k != 0 ? opt.max_tile_k : (spec.type == GemmType::int8_int32 ? 128 : 64);
    p.k_t = std::min(round_up(std::max<std::uint32_t>(max_k, align), align), round_up(p.k, align));
    p.k_chunks = ceil_div(p.k, p.k_t);
    p.n_t = std::min(round_up(std::max<std::uint32_t>(opt.max_tile_n, align), align), p.n_al);
    p.n_blocks = ceil_div(p.n, p.n_t);
    const std::uint32_t units = p.panels * p.n_blocks;
    unsigned columns = part.columns;
    if (opt.max_columns != 0) {
        columns = std::min(columns, opt.max_columns);
    }
    p.columns = static_cast<unsigned>(std::min<std::uint32_t>(columns, units));

    p.a1 = p.m_t * p.k_t * p.esize;
    p.b1 = p.k_t * p.n_t * p.esize;
    p.c1 = p.m_t * p.n_t * 4;
    p.a2 = p.m_t * p.k_al * p.esize;
    p.b2 = p.k * p.n_t * p.esize;
    p.c2 = p.c1;
    if (p.l1_end() > kCoreResources.memory_bytes) {
        throw BuildError("gemm: L1 buffers need " + std::to_string(p.l1_end()) + " bytes");
    }
    if (p.l2_end() > kMemResources.memory_bytes) {
        throw BuildError("gemm: K = " + std::to_string(p.k) + " needs " +
                         std::to_string(p.l2_end()) + " bytes of memory tile for its panels (" +
                         std::to_string(kMemResources.memory_bytes) + " available)");
    }
    return p;
}

struct Unit {
    std::uint32_t panel;
    std::uint32_t block;
};

class GemmWriter {
public:
    GemmWriter(const Plan& plan, const PartitionShape& part, GemmType type)
        : p_(plan), type_(type), prog_(Geometry{part.columns, part.core_rows, part.mem_rows}) {}

    std::string write() {
        const std::uint32_t units = p_.panels * p_.n_blocks;
        std::vector<std::vector<Unit>> per_column(p_.columns);
        for (unsigned c = 0; c < p_.columns; ++c) {
            const std::uint32_t first = part_start(units, p_.columns, c);
            for (std::uint32_t u = first; u < first + part_size(units, p_.columns, c); ++u) {
                per_column[c].push_back(Unit{u / p_.n_blocks, u % p_.n_blocks});
            }
        }
        for (unsigned c = 0; c < p_.columns; ++c) {
            setup_column(c, static_cast<std::uint32_t>(per_column[c].size()));
        }
        // Units in lock-step across columns; before reusing a unit's BDs (kUnitsInFlight units
        // later) wait for that unit's results.
        std::size_t steps = 0;
        for (const auto& list : per_column) {
            steps = std::max(steps, list.size());
        }
        // Each column's super-panels in order; a panel's A is loaded one panel ahead, when
        // the column starts the panel before it (the L2 A buffers are double-buffered).
        std::vector<std::vector<std::uint32_t>> panels(p_.columns);
        for (unsigned c = 0; c < p_.columns; ++c) {
            for (std::size_t t = 0; t < per_column[c].size(); ++t) {
                if (t == 0 || per_column[c][t].panel != per_column[c][t - 1].panel) {
                    panels[c].push_back(per_column[c][t].panel);
                }
            }
        }
        std::vector<std::uint32_t> panel_index(p_.columns, 0);
        for (std::size_t t = 0; t < steps; ++t) {
            for (unsigned c = 0; c < p_.columns; ++c) {
                const auto& list = per_column[c];
                if (t >= list.size()) {
                    continue;
                }
                if (t >= flow::kUnitsInFlight) {
                    wait_unit(c);
                }
                const bool new_panel = t == 0 || list[t].panel != list[t - 1].panel;
                const bool last_of_panel =
                    t + 1 == list.size() || list[t + 1].panel != list[t].panel;
                if (new_panel) {
                    if (t > 0) {
                        ++panel_index[c];
                    }
                    const std::uint32_t i = panel_index[c];
                    if (i == 0) {
                        load_panel(c, panels[c][0], 0);
                    }
                    if (i + 1 < panels[c].size()) {
                        load_panel(c, panels[c][i + 1], i + 1);
                    }
                }
                unit(c, list[t], static_cast<unsigned>(t % flow::kUnitsInFlight),
                     panel_index[c] % 2, new_panel, last_of_panel);
            }
        }
        for (unsigned c = 0; c < p_.columns; ++c) {
            const std::size_t n = per_column[c].size();
            for (std::size_t i = 0; i < std::min<std::size_t>(flow::kUnitsInFlight, n); ++i) {
                wait_unit(c);
            }
            for (unsigned r = 0; r < p_.cores; ++r) {
                prog_.poll(c, prog_.geometry().first_core_row() + r, regs::kCoreStatus,
                           regs::kCoreStatusDone | regs::kCoreStatusError, regs::kCoreStatusDone);
            }
        }
        return prog_.finish();
    }

private:
    void setup_column(unsigned c, std::uint32_t units) {
        const unsigned mem = 1;
        const unsigned first_core = prog_.geometry().first_core_row();
        flow::route_column(prog_, c, p_.cores, true, true);
        // L2 locks: both slots of every buffer start empty.
        for (unsigned r = 0; r < p_.cores; ++r) {
            prog_.set_lock(c, mem, l2_a_empty(r), 2);
            prog_.set_lock(c, mem, l2_a_full(r), 0);
            prog_.set_lock(c, mem, l2_c_empty(r), 2);
            prog_.set_lock(c, mem, l2_c_full(r), 0);
        }
        prog_.set_lock(c, mem, kL2BEmpty, 2);
        prog_.set_lock(c, mem, kL2BFull, 0);
        const std::uint64_t chunks = std::uint64_t{units} * p_.k_chunks;
        for (unsigned r = 0; r < p_.cores; ++r) {
            const unsigned row = first_core + r;
            prog_.set_lock(c, row, kL1AEmpty, 2);
            prog_.set_lock(c, row, kL1AFull, 0);
            prog_.set_lock(c, row, kL1BEmpty, 2);
            prog_.set_lock(c, row, kL1BFull, 0);
            prog_.set_lock(c, row, kL1CEmpty, 2);
            prog_.set_lock(c, row, kL1CFull, 0);
            // L1 object FIFOs: one BD each, ping-pong through the iteration dimension.
            auto fifo_bd = [](std::uint32_t addr, std::uint32_t bytes, unsigned acq, unsigned rel) {
                BufferDescriptor bd = linear_bd(addr, bytes);
                bd.iter_wrap = 2;
                bd.iter_step = bytes / 4;
                bd.acquire = lock(acq);
                bd.release = lock(rel);
                return bd;
            };
            prog_.bd(c, row, DmaDir::s2mm, 0, 0, fifo_bd(p_.l1_a(), p_.a1, kL1AEmpty, kL1AFull));
            prog_.bd(c, row, DmaDir::s2mm, 1, 1, fifo_bd(p_.l1_b(), p_.b1, kL1BEmpty, kL1BFull));
            prog_.bd(c, row, DmaDir::mm2s, 0, 2, fifo_bd(p_.l1_c(), p_.c1, kL1CFull, kL1CEmpty));
            prog_.push_many(c, row, DmaDir::s2mm, 0, 0, chunks);
            prog_.push_many(c, row, DmaDir::s2mm, 1, 1, chunks);
            prog_.push_many(c, row, DmaDir::mm2s, 0, 2, units);
            // The core: C[m_t x n_t] += A[m_t x k_t] * B[k_t x n_t] per chunk.
            const auto kernel = type_ == GemmType::int8_int32 ? kernels::KernelId::gemm_i8_i32
                                                              : kernels::KernelId::gemm_bf16_f32;
            prog_.write(c, row, regs::kCoreKernel, static_cast<std::uint32_t>(kernel));
            prog_.block(c, row, regs::kCoreParams, {p_.m_t, p_.k_t, p_.n_t, 0, 0, 0, 0, 0});
            prog_.write(c, row, regs::kCoreInnerCount, p_.k_chunks);
            prog_.write(c, row, regs::kCoreOuterCount, units);
            prog_.write(c, row, regs::kCoreFlags,
                        regs::kCoreFlagAccumulate | (3u << regs::kCoreFlagParamShift));
            port(c, row, 0, p_.l1_a(), p_.a1, kL1AFull, kL1AEmpty, 0);
            port(c, row, 1, p_.l1_b(), p_.b1, kL1BFull, kL1BEmpty, 0);
            port(c, row, 2, p_.l1_c(), p_.c1, kL1CEmpty, kL1CFull, 1);
            prog_.write(c, row, regs::kCoreControl,
                        regs::kCoreControlReset | regs::kCoreControlStart);
        }
    }

    void port(unsigned c, unsigned row, unsigned index, std::uint32_t base, std::uint32_t stride,
              unsigned acq, unsigned rel, std::uint32_t level) {
        prog_.block(c, row, regs::kCorePorts + index * regs::kCorePortStride,
                    {base, 2, stride, regs::core_lock_word(true, false, acq, 1),
                     regs::core_lock_word(true, false, rel, 1), level});
    }

    void wait_unit(unsigned c) {
        const auto& lanes = pending_[c].front();
        for (unsigned lane = 0; lane < 2; ++lane) {
            if (lanes[lane]) {
                prog_.wait_tokens(c, 0, DmaDir::s2mm, lane, 1);
            }
        }
        pending_[c].erase(pending_[c].begin());
    }

    // Loads super-panel `panel` (the column's `index`-th) into its L2 A buffers: the shim
    // streams its rows of A (contiguous in host memory), the memory tile splits them into the
    // per-core buffers. Up to three panels' BDs can be live (running, queued, just issued):
    // shim BDs 0-3 and memtile S2MM0 BDs 4*(index % 4) + core cycle through four sets.
    void load_panel(unsigned c, std::uint32_t panel, std::uint32_t index) {
        const unsigned mem = 1;
        const std::uint32_t es = p_.esize;
        const unsigned set = index % 4;
        const unsigned buffer = index % 2;
        std::uint32_t words = 0;
        for (unsigned r = 0; r < p_.cores; ++r) {
            words += p_.core_rows(panel, r) * p_.k_al * es / 4;
        }
        prog_.host_bd(c, DmaDir::mm2s, flow::kShimInput0, set, linear_bd(0, words * 4), 0,
                      std::uint64_t{p_.panel_start(panel)} * p_.k_al * es);
        prog_.push(c, 0, DmaDir::mm2s, flow::kShimInput0, set, 1, false);
        for (unsigned r = 0; r < p_.cores; ++r) {
            BufferDescriptor bd =
                linear_bd(p_.l2_a(r, buffer), p_.core_rows(panel, r) * p_.k_al * es);
            bd.acquire = lock(l2_a_empty(r));
            bd.release = lock(l2_a_full(r));
            bd.use_next = r + 1 < p_.cores;
            bd.next_bd = bd.use_next ? set * 4 + r + 1 : 0;
            prog_.bd(c, mem, DmaDir::s2mm, flow::kMemInput0, set * 4 + r, bd);
        }
        prog_.push(c, mem, DmaDir::s2mm, flow::kMemInput0, set * 4, 1, false);
    }

    // `ring` numbers the unit's BDs (kUnitsInFlight sets); `slot` = ring % 2 picks the
    // double-buffered L2 buffers, whose lock pairs keep the units in order.
    void unit(unsigned c, const Unit& u, unsigned ring, unsigned panel_slot, bool new_panel,
              bool last_of_panel) {
        const unsigned mem = 1;
        const unsigned slot = ring % 2;
        const std::uint32_t es = p_.esize;
        // Shim: the n-block of B (K rows of b_cols elements).
        const std::uint32_t b_words = p_.b_cols(u.block) * es / 4;
        {
            BufferDescriptor bd;
            bd.length = b_words * p_.k;
            bd.dims[0] = BdDim{1, b_words, 0, 0};
            bd.dims[1] = BdDim{p_.n_al * es / 4, p_.k, 0, 0};
            // Shim BDs (16, shared): A 0-3, B 4-7, C lane 0 8-11, lane 1 12-15.
            prog_.host_bd(c, DmaDir::mm2s, flow::kShimInput1, 4 + ring, bd, 1,
                          std::uint64_t{u.block} * p_.n_t * es);
            prog_.push(c, 0, DmaDir::mm2s, flow::kShimInput1, 4 + ring, 1, false);
            BufferDescriptor l2 = bd;
            l2.address = p_.l2_b(slot);
            l2.dims[1].step = p_.n_t * es / 4;
            l2.acquire = lock(kL2BEmpty);
            l2.release = lock(kL2BFull);
            prog_.bd(c, mem, DmaDir::s2mm, flow::kMemInput1, ring, l2);
            prog_.push(c, mem, DmaDir::s2mm, flow::kMemInput1, ring, 1, false);
        }
        // Memory tile -> core r: A chunks (m_t rows x k_t), K beyond K_al padded with zeros.
        const std::uint32_t kt_words = p_.k_t * es / 4;
        const std::uint32_t row_words = p_.k_al * es / 4;
        for (unsigned r = 0; r < p_.cores; ++r) {
            const std::uint32_t full = p_.k_al / p_.k_t;
            const std::uint32_t rest_words = row_words - full * kt_words;
            std::vector<BufferDescriptor> chain;
            if (full > 0) {
                BufferDescriptor bd;
                bd.address = p_.l2_a(r, panel_slot);
                bd.length = kt_words * p_.m_t * full;
                bd.dims[0] = BdDim{1, kt_words, 0, 0};
                bd.dims[1] = BdDim{row_words, p_.m_t, 0, 0};
                bd.dims[2] = BdDim{kt_words, full, 0, 0};
                chain.push_back(bd);
            }
            if (rest_words > 0) {
                BufferDescriptor bd;
                bd.address = p_.l2_a(r, panel_slot) + full * kt_words * 4;
                bd.length = kt_words * p_.m_t;
                bd.dims[0] = BdDim{1, rest_words, 0, kt_words - rest_words};
                bd.dims[1] = BdDim{row_words, p_.m_t, 0, 0};
                chain.push_back(bd);
            }
            chain.front().acquire = new_panel ? lock(l2_a_full(r)) : BdLock{};
            chain.back().release = last_of_panel ? lock(l2_a_empty(r)) : BdLock{};
            prog_.chain(c, mem, DmaDir::mm2s, r, ring * 2, chain);
        }
        // Memory tile -> all cores: B chunks (k_t rows x n_t), rows beyond K padded.
        {
            const std::uint32_t nt_words = p_.n_t * es / 4;
            const std::uint32_t full = p_.k / p_.k_t;
            const std::uint32_t rest_rows = p_.k - full * p_.k_t;
            std::vector<BufferDescriptor> chain;
            if (full > 0) {
                chain.push_back(linear_bd(p_.l2_b(slot), full * p_.k_t * p_.n_t * es));
            }
            if (rest_rows > 0) {
                BufferDescriptor bd;
                bd.address = p_.l2_b(slot) + full * p_.k_t * p_.n_t * es;
                bd.length = nt_words * p_.k_t;
                bd.dims[0] = BdDim{1, nt_words, 0, 0};
                bd.dims[1] = BdDim{nt_words, rest_rows, 0, p_.k_t - rest_rows};
                chain.push_back(bd);
            }
            chain.front().acquire = lock(kL2BFull);
            chain.back().release = lock(kL2BEmpty);
            prog_.chain(c, mem, DmaDir::mm2s, flow::kMemBroadcast, ring * 2, chain);
        }
        // Core r -> memory tile: the C block into L2.
        for (unsigned r = 0; r < p_.cores; ++r) {
            BufferDescriptor bd = linear_bd(p_.l2_c(r, slot), p_.c1);
            bd.acquire = lock(l2_c_empty(r));
            bd.release = lock(l2_c_full(r));
            prog_.bd(c, mem, DmaDir::s2mm, flow::kMemResultIn + r, ring, bd);
            prog_.push(c, mem, DmaDir::s2mm, flow::kMemResultIn + r, ring, 1, false);
        }
        // Memory tile -> shim -> C: the valid part of each block. A lane's cores hold
        // consecutive rows of C, so one host BD per lane covers them.
        std::array<bool, 2> lanes{false, false};
        const std::uint32_t cols = p_.c_cols(u.block);
        for (unsigned lane = 0; lane < 2; ++lane) {
            std::vector<BufferDescriptor> out;
            std::uint32_t rows = 0;
            std::uint32_t first_row = 0;
            for (unsigned r = 0; r < p_.cores; ++r) {
                if (flow::result_lane(r, p_.cores) != lane) {
                    continue;
                }
                const std::uint32_t core_rows = p_.core_rows(u.panel, r);
                if (out.empty()) {
                    first_row = p_.core_start(u.panel, r);
                }
                BufferDescriptor bd;
                bd.address = p_.l2_c(r, slot);
                bd.length = cols * core_rows;
                bd.dims[0] = BdDim{1, cols, 0, 0};
                bd.dims[1] = BdDim{p_.n_t, core_rows, 0, 0};
                bd.acquire = lock(l2_c_full(r));
                bd.release = lock(l2_c_empty(r));
                out.push_back(bd);
                rows += core_rows;
            }
            if (out.empty()) {
                continue;
            }
            lanes[lane] = true;
            prog_.chain(c, mem, DmaDir::mm2s, flow::kMemResultOut + lane, ring * 2, out);
            BufferDescriptor host;
            host.length = cols * rows;
            host.dims[0] = BdDim{1, cols, 0, 0};
            host.dims[1] = BdDim{p_.n, rows, 0, 0};
            const unsigned bd_id = 8 + 4 * lane + ring;
            prog_.host_bd(c, DmaDir::s2mm, lane, bd_id, host, 2,
                          (std::uint64_t{first_row} * p_.n + std::uint64_t{u.block} * p_.n_t) * 4);
            prog_.push(c, 0, DmaDir::s2mm, lane, bd_id, 1, true);
        }
        pending_[c].push_back(lanes);
    }

    const Plan& p_;
    GemmType type_;
    TileProgram prog_;
    std::vector<std::vector<std::array<bool, 2>>> pending_ =
        std::vector<std::vector<std::array<bool, 2>>>(kMaxColumns);
};

} // namespace

Workload build_gemm(const GemmSpec& spec, const PartitionShape& part, const BuildOptions& opt) {
    check_partition(part);
    const Plan p = make_plan(spec, part, opt);
    Workload w;
    w.spec = spec;
    const bool i8 = spec.type == GemmType::int8_int32;
    std::ostringstream name;
    name << (i8 ? "gemm_i8_i32 " : "gemm_bf16_f32 ") << spec.m << "x" << spec.k << "x" << spec.n;
    w.op = name.str();
    const DataType in = i8 ? DataType::int8 : DataType::bf16;
    const DataType out = i8 ? DataType::int32 : DataType::fp32;
    w.buffers.push_back(HostBuffer{"A", BufferRole::input, in, p.m, p.k, p.k_al, p.m});
    w.buffers.push_back(HostBuffer{"B", BufferRole::input, in, p.k, p.n, p.n_al, p.k});
    w.buffers.push_back(HostBuffer{"C", BufferRole::output, out, p.m, p.n, p.n, p.m});
    GemmWriter writer(p, part, spec.type);
    w.assembly = writer.write();
    w.columns_used = p.columns;
    w.cores_used = p.columns * p.cores;
    w.useful_ops = 2ull * p.m * p.n * p.k;
    std::ostringstream plan;
    plan << "tile " << p.m_t << "x" << p.k_t << "x" << p.n_t << ", " << p.panels
         << " super-panel(s) of " << p.cores << " core(s) x " << p.n_blocks << " n-block(s), "
         << p.k_chunks << " K chunk(s), on " << p.columns << " column(s); L1 " << p.l1_end()
         << " B, L2 " << p.l2_end() << " B";
    w.plan = plan.str();
    return w;
}

} // namespace aie4sim::tiles::workload
