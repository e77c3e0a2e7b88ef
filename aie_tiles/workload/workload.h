#pragma once
// The workload builder: turns an operation ("GEMM MxKxN int8", "element-wise add of
// N bf16", "softmax R x C") for a partition into
//   - AMD control code as aiebu assembly, one uC program per partition column, which the
//     real `aiebu-asm -t aie4_config` turns into the ELF XRT loads (docs/control-code.md),
//   - the host buffers the kernel takes, in argument order: kernel argument i is buffers[i],
//     and every shim BD that points into it is relocated against argument i,
//   - each buffer's layout (row-major with a leading dimension; padding must be zero for
//     inputs, and is left untouched in outputs).
// Plain C++17 with no SystemC and no Boost: it is also linked into static guest programs.
//
// Data flow of every workload (docs/aie_tiles.md §9): host -> shim DMA -> memory
// tile (L2) -> streams -> compute tiles (L1, double-buffered under locks) -> kernel -> back
// through the memory tile and the shim to the host, with task-completion tokens telling the
// control code when each output piece has landed.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace aie4sim::tiles::workload {

enum class DataType { int8, int32, bf16, fp32 };
const char* data_type_name(DataType t);
unsigned data_type_size(DataType t);

enum class BufferRole { input, output, scratch };
const char* buffer_role_name(BufferRole r);

// A row-major matrix (a vector is one row): element (r, c) lives at byte
// (r * ld + c) * size(type). Columns cols..ld-1 and rows rows..alloc_rows-1 are padding.
struct HostBuffer {
    std::string name;
    BufferRole role = BufferRole::input;
    DataType type = DataType::int8;
    std::uint32_t rows = 0;       // logical rows
    std::uint32_t cols = 0;       // logical columns
    std::uint32_t ld = 0;         // leading dimension in elements (>= cols)
    std::uint32_t alloc_rows = 0; // rows the buffer holds (>= rows)
    [[nodiscard]] std::uint64_t bytes() const {
        return std::uint64_t{alloc_rows} * ld * data_type_size(type);
    }
};

// The partition a workload runs on (columns relative to the partition start).
struct PartitionShape {
    unsigned columns = 3;
    unsigned core_rows = 4;
    unsigned mem_rows = 1;
};

struct BuildOptions {
    // Use at most this many columns / core rows (0: all of the partition).
    unsigned max_columns = 0;
    unsigned max_core_rows = 0;
    // Upper bounds of the per-core tile (elements); the builder picks the tile within them.
    std::uint32_t max_tile_m = 64;
    std::uint32_t max_tile_k = 0; // 0: 128 for int8, 64 for bf16
    std::uint32_t max_tile_n = 64;
    // Element-wise / softmax block per core and iteration, in bytes.
    std::uint32_t block_bytes = 4096;
    // Copy: bytes per block through the memory tile (4 KiB .. 64 KiB; two blocks sit in L2).
    std::uint32_t copy_block_bytes = 65536;
};

// Throws BuildError unless the partition has 1..kMaxColumns columns and at least one core row;
// every build_* calls it first.
void check_partition(const PartitionShape& partition);

enum class GemmType { int8_int32, bf16_fp32 };
struct GemmSpec {
    std::uint32_t m = 0;
    std::uint32_t k = 0;
    std::uint32_t n = 0;
    GemmType type = GemmType::int8_int32;
};
enum class EltwiseOp { add, mul, relu };
struct EltwiseSpec {
    EltwiseOp op = EltwiseOp::add;
    DataType type = DataType::int8; // int8 or bf16
    std::uint32_t count = 0;        // elements
    unsigned shift = 0;             // mul int8: product >> shift, then saturated
};
struct SoftmaxSpec {
    std::uint32_t rows = 0;
    std::uint32_t cols = 0;
};
struct CopySpec {
    std::uint64_t bytes = 0;
};
using WorkloadSpec = std::variant<GemmSpec, EltwiseSpec, SoftmaxSpec, CopySpec>;

struct Workload {
    std::string op;       // e.g. "gemm_i8_i32 100x70x130"
    std::string assembly; // aiebu assembly (`.target aie4`, one `.attach_to_group` per column)
    std::vector<HostBuffer> buffers; // kernel argument order
    unsigned columns_used = 0;
    unsigned cores_used = 0;
    std::uint64_t useful_ops = 0; // 2*M*N*K for GEMM, elements for the others
    std::string plan;             // human-readable summary of the tiling
    WorkloadSpec spec;            // what was built (for data and references: workload_data.h)
};

class BuildError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The configuration `aiebu-asm -t aie4_config -j FILE` reads: one kernel named `kernel` with a
// "char *" argument per buffer (named after it, 8 bytes apart) and one instance, "inst0",
// whose control code is the assembly file `asm_file`.
std::string kernel_config_json(const Workload& workload, const std::string& asm_file,
                               const std::string& kernel = "DPU");

// Buffers: A (M x K, ld rounded up to 4 bytes), B (K x N, ld rounded up to 4 bytes),
// C (M x N, natural layout).
Workload build_gemm(const GemmSpec& spec, const PartitionShape& partition,
                    const BuildOptions& options = {});

// Buffers: x, [y,] out; each one row of `count` elements, allocated rounded up to 4 bytes.
Workload build_eltwise(const EltwiseSpec& spec, const PartitionShape& partition,
                       const BuildOptions& options = {});

// Pure data movement, host -> memory tile -> host. Buffers: in, out (one row of `bytes` int8,
// allocated rounded up to 4 bytes; the copy moves whole words, so out's padding gets in's).
Workload build_copy(const CopySpec& spec, const PartitionShape& partition,
                    const BuildOptions& options = {});

// Row-wise softmax of a bf16 matrix. Buffers: x, out (rows x cols, ld = cols; when rows*cols is
// odd one padding element ends the allocation).
Workload build_softmax(const SoftmaxSpec& spec, const PartitionShape& partition,
                       const BuildOptions& options = {});

// Whichever of the builders above `spec` names.
Workload build_workload(const WorkloadSpec& spec, const PartitionShape& partition,
                        const BuildOptions& options = {});

} // namespace aie4sim::tiles::workload
