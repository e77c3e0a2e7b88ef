#pragma once
// The built-in kernels that compute tiles run. Cores are modelled at kernel level: a core is
// told which kernel to run on which buffers of its data memory, computes the result exactly
// (bit-exact for integer types; bf16 rounded to nearest-even from an fp32 computation), and
// is charged the kernel's cycle cost from the timing table.
//
// This header is the contract between the kernels (aie_tiles/kernels/) and the compute tile
// model (aie_tiles/): plain C++, no SystemC, so it is unit-testable and usable on the host.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace aie4sim::tiles::kernels {

enum class KernelId : std::uint32_t {
    none = 0,
    gemm_i8_i32 = 1,   // C(int32) [+]= A(int8, MxK) * B(int8, KxN)
    gemm_bf16_f32 = 2, // C(fp32)  [+]= A(bf16, MxK) * B(bf16, KxN)
    add_i8 = 3,        // element-wise, saturating to int8
    mul_i8 = 4,        // element-wise, saturating to int8 (optionally shifted; see params)
    relu_i8 = 5,
    add_bf16 = 6,
    mul_bf16 = 7,
    relu_bf16 = 8,
    softmax_bf16 = 9,   // row-wise softmax over an RxC bf16 matrix
    conv2d_i8_i32 = 10, // 2-D convolution, NHWC int8 input, int32 output
    copy = 11,          // byte copy: moves data between buffers (for pass-through stages)
    requant_i32_i8 = 12 // int32 -> int8 with shift and saturation (GEMM epilogue)
};

std::string_view kernel_name(KernelId id);

// Parameters of one kernel invocation, as a core's registers hold them. Buffer fields are
// byte offsets inside the tile's data memory. Meaning of params[] is per kernel and
// documented in docs/aie_tiles.md.
struct KernelInvocation {
    KernelId id = KernelId::none;
    std::uint32_t in0 = 0; // first operand buffer
    std::uint32_t in1 = 0; // second operand buffer (unused by unary kernels)
    std::uint32_t out = 0; // result buffer
    std::uint32_t params[8] = {};
};

// Result of running a kernel: whether it ran, and an error text when the invocation was
// invalid (unknown kernel, buffer outside the data memory, bad shape). A bad invocation
// never touches memory.
struct KernelStatus {
    bool ok = true;
    const char* error = nullptr;
};

// Runs `inv` on `memory` (the tile's data memory, `memory_size` bytes).
KernelStatus run_kernel(const KernelInvocation& inv, std::uint8_t* memory, std::size_t memory_size);

// Multiply-accumulate (or element) operations the invocation performs, used by the timing
// model: cycles = ceil(ops / ops_per_cycle[data type]) + fixed overhead.
struct KernelWork {
    std::uint64_t macs = 0;     // for gemm and conv
    std::uint64_t elements = 0; // for element-wise and softmax
    enum class Type { int8, bf16, int32, bytes } type = Type::int8;
};
KernelWork kernel_work(const KernelInvocation& inv);

} // namespace aie4sim::tiles::kernels
