// run_kernel, kernel_work and kernel_name: decoding and validation of an invocation, then
// dispatch to the kernel bodies. Validation is complete before any byte of the data memory is
// read or written, so a refused invocation leaves the memory untouched.
//
// Rules (docs/kernels.md has the full list):
//  - the kernel id must be a known kernel other than `none`;
//  - every shape field must be non-zero; GEMM, softmax (and, by their 16-bit packing, conv2d)
//    dimensions are at most 65535; the work of one invocation is at most 2^36 MACs or elements;
//  - flags words have only their documented bits set; shifts are 0..31;
//  - buffer sizes are computed in 64 bits with overflow checks, and every buffer
//    [offset, offset + size) the kernel uses must lie inside [0, memory_size);
//  - outputs must not overlap inputs, except: element-wise kernels, softmax and requant may
//    run in place (output starting at exactly the input's offset), and copy allows any overlap
//    (memmove semantics). The two inputs may overlap each other freely (they are only read).
//  - unused buffer fields (in1 of unary kernels) are ignored.

#include "aie_tiles/kernels/conv2d_params.h"
#include "aie_tiles/kernels/internal.h"
#include "aie_tiles/kernels/kernel_api.h"

#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>

namespace aie4sim::tiles::kernels {

namespace {

constexpr std::uint32_t kMaxDim = 65535;
constexpr std::uint64_t kMaxOps = std::uint64_t{1} << 36;

struct Range {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
};

enum class OutputAlias {
    disjoint,    // output must not overlap any input
    in_place_ok, // output may start exactly at an input's offset, otherwise disjoint
    any          // any overlap (memmove semantics)
};

struct Plan {
    const char* error = nullptr;
    Range inputs[2];
    unsigned input_count = 0;
    Range output;
    OutputAlias alias = OutputAlias::disjoint;
    KernelWork work;
    // Decoded parameters.
    std::uint32_t m = 0, k = 0, n = 0; // GEMM; softmax uses m = rows, n = cols
    std::uint32_t count = 0;           // element-wise, requant, copy
    unsigned shift = 0;
    bool accumulate = false;
    detail::ConvShape conv{};
};

// Product of the factors, or false when it does not fit in 64 bits.
bool checked_product(std::initializer_list<std::uint64_t> factors, std::uint64_t& result) {
    std::uint64_t r = 1;
    for (const std::uint64_t f : factors) {
        if (f != 0 && r > std::numeric_limits<std::uint64_t>::max() / f) {
            return false;
        }
        r *= f;
    }
    result = r;
    return true;
}

Plan fail(const char* error) {
    Plan p;
    p.error = error;
    return p;
}

// Sets the buffers of a kernel whose inputs and output hold `count` elements each.
void set_elementwise(Plan& p, const KernelInvocation& inv, unsigned inputs,
                     std::uint64_t in_bytes_per_element, std::uint64_t out_bytes_per_element) {
    p.input_count = inputs;
    p.inputs[0] = {inv.in0, p.count * in_bytes_per_element};
    p.inputs[1] = {inv.in1, p.count * in_bytes_per_element};
    p.output = {inv.out, p.count * out_bytes_per_element};
    p.alias = OutputAlias::in_place_ok;
    p.work.elements = p.count;
}

Plan plan_gemm(const KernelInvocation& inv) {
    Plan p;
    p.m = inv.params[0];
    p.k = inv.params[1];
    p.n = inv.params[2];
    if (p.m == 0 || p.k == 0 || p.n == 0) {
        return fail("gemm: M, K and N must be non-zero");
    }
    if (p.m > kMaxDim || p.k > kMaxDim || p.n > kMaxDim) {
        return fail("gemm: M, K and N must be at most 65535");
    }
    if ((inv.params[3] & ~1u) != 0) {
        return fail("gemm: reserved flag bits set in params[3]");
    }
    p.accumulate = (inv.params[3] & 1u) != 0;
    const std::uint64_t in_bytes = inv.id == KernelId::gemm_i8_i32 ? 1 : 2;
    p.input_count = 2;
    p.inputs[0].offset = inv.in0;
    p.inputs[1].offset = inv.in1;
    p.output.offset = inv.out;
    if (!checked_product({p.m, p.k, in_bytes}, p.inputs[0].size) ||
        !checked_product({p.k, p.n, in_bytes}, p.inputs[1].size) ||
        !checked_product({p.m, p.n, 4}, p.output.size) ||
        !checked_product({p.m, p.k, p.n}, p.work.macs)) {
        return fail("gemm: buffer size overflows");
    }
    p.alias = OutputAlias::disjoint;
    p.work.type = inv.id == KernelId::gemm_i8_i32 ? KernelWork::Type::int8 : KernelWork::Type::bf16;
    return p;
}

Plan plan_conv2d(const KernelInvocation& inv) {
    const Conv2dParams c = unpack_conv2d_params(inv.params);
    if (c.h == 0 || c.w == 0 || c.cin == 0 || c.cout == 0 || c.kh == 0 || c.kw == 0) {
        return fail("conv2d: H, W, Cin, Cout, KH and KW must be non-zero");
    }
    if (c.stride == 0) {
        return fail("conv2d: stride must be at least 1");
    }
    if ((inv.params[4] & ~1u) != 0) {
        return fail("conv2d: reserved flag bits set in params[4]");
    }
    const std::uint64_t padded_h = std::uint64_t{c.h} + 2 * std::uint64_t{c.padding};
    const std::uint64_t padded_w = std::uint64_t{c.w} + 2 * std::uint64_t{c.padding};
    if (padded_h < c.kh || padded_w < c.kw) {
        return fail("conv2d: kernel larger than the padded input");
    }
    Plan p;
    p.accumulate = c.accumulate;
    p.conv = {c.h, c.w, c.cin, c.cout, c.kh, c.kw, c.stride, c.padding, 0, 0};
    p.conv.oh = static_cast<std::uint32_t>((padded_h - c.kh) / c.stride + 1);
    p.conv.ow = static_cast<std::uint32_t>((padded_w - c.kw) / c.stride + 1);
    p.input_count = 2;
    p.inputs[0].offset = inv.in0;
    p.inputs[1].offset = inv.in1;
    p.output.offset = inv.out;
    if (!checked_product({c.h, c.w, c.cin}, p.inputs[0].size) ||
        !checked_product({c.kh, c.kw, c.cin, c.cout}, p.inputs[1].size) ||
        !checked_product({p.conv.oh, p.conv.ow, c.cout, 4}, p.output.size) ||
        !checked_product({p.conv.oh, p.conv.ow, c.cout, c.kh, c.kw, c.cin}, p.work.macs)) {
        return fail("conv2d: buffer size overflows");
    }
    p.alias = OutputAlias::disjoint;
    p.work.type = KernelWork::Type::int8;
    return p;
}

Plan plan(const KernelInvocation& inv) {
    Plan p;
    switch (inv.id) {
    case KernelId::gemm_i8_i32:
    case KernelId::gemm_bf16_f32:
        p = plan_gemm(inv);
        break;
    case KernelId::conv2d_i8_i32:
        p = plan_conv2d(inv);
        break;
    case KernelId::add_i8:
    case KernelId::mul_i8:
    case KernelId::relu_i8:
    case KernelId::add_bf16:
    case KernelId::mul_bf16:
    case KernelId::relu_bf16: {
        p.count = inv.params[0];
        if (p.count == 0) {
            return fail("element-wise: count must be non-zero");
        }
        if (inv.id == KernelId::mul_i8) {
            if (inv.params[1] > 31) {
                return fail("mul_i8: shift must be 0..31");
            }
            p.shift = inv.params[1];
        }
        const bool unary = inv.id == KernelId::relu_i8 || inv.id == KernelId::relu_bf16;
        const bool bf16 = inv.id == KernelId::add_bf16 || inv.id == KernelId::mul_bf16 ||
                          inv.id == KernelId::relu_bf16;
        set_elementwise(p, inv, unary ? 1 : 2, bf16 ? 2 : 1, bf16 ? 2 : 1);
        p.work.type = bf16 ? KernelWork::Type::bf16 : KernelWork::Type::int8;
        break;
    }
    case KernelId::softmax_bf16: {
        p.m = inv.params[0];
        p.n = inv.params[1];
        if (p.m == 0 || p.n == 0) {
            return fail("softmax: rows and cols must be non-zero");
        }
        if (p.m > kMaxDim || p.n > kMaxDim) {
            return fail("softmax: rows and cols must be at most 65535");
        }
        const std::uint64_t elements = std::uint64_t{p.m} * p.n;
        p.input_count = 1;
        p.inputs[0] = {inv.in0, elements * 2};
        p.output = {inv.out, elements * 2};
        p.alias = OutputAlias::in_place_ok;
        p.work.elements = elements;
        p.work.type = KernelWork::Type::bf16;
        break;
    }
    case KernelId::copy:
        p.count = inv.params[0];
        if (p.count == 0) {
            return fail("copy: byte count must be non-zero");
        }
        set_elementwise(p, inv, 1, 1, 1);
        p.alias = OutputAlias::any;
        p.work.type = KernelWork::Type::bytes;
        break;
    case KernelId::requant_i32_i8:
        p.count = inv.params[0];
        if (p.count == 0) {
            return fail("requant: count must be non-zero");
        }
        if (inv.params[1] > 31) {
            return fail("requant: shift must be 0..31");
        }
        p.shift = inv.params[1];
        set_elementwise(p, inv, 1, 4, 1);
        p.work.type = KernelWork::Type::int32;
        break;
    case KernelId::none:
    default:
        return fail("unknown kernel id");
    }
    if (p.error == nullptr && (p.work.macs > kMaxOps || p.work.elements > kMaxOps)) {
        return fail("kernel work exceeds the per-invocation limit of 2^36 operations");
    }
    return p;
}

bool inside(const Range& r, std::size_t memory_size) {
    const std::uint64_t size = memory_size;
    return r.size <= size && r.offset <= size - r.size;
}

bool overlap(const Range& a, const Range& b) {
    return a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}

} // namespace

std::string_view kernel_name(KernelId id) {
    switch (id) {
    case KernelId::none:
        return "none";
    case KernelId::gemm_i8_i32:
        return "gemm_i8_i32";
    case KernelId::gemm_bf16_f32:
        return "gemm_bf16_f32";
    case KernelId::add_i8:
        return "add_i8";
    case KernelId::mul_i8:
        return "mul_i8";
    case KernelId::relu_i8:
        return "relu_i8";
    case KernelId::add_bf16:
        return "add_bf16";
    case KernelId::mul_bf16:
        return "mul_bf16";
    case KernelId::relu_bf16:
        return "relu_bf16";
    case KernelId::softmax_bf16:
        return "softmax_bf16";
    case KernelId::conv2d_i8_i32:
        return "conv2d_i8_i32";
    case KernelId::copy:
        return "copy";
    case KernelId::requant_i32_i8:
        return "requant_i32_i8";
    }
    return "unknown";
}

KernelWork kernel_work(const KernelInvocation& inv) {
    const Plan p = plan(inv);
    if (p.error != nullptr) {
        return KernelWork{};
    }
    return p.work;
}

KernelStatus run_kernel(const KernelInvocation& inv, std::uint8_t* memory,
                        std::size_t memory_size) {
    if (memory == nullptr) {
        return {false, "no data memory"};
    }
    const Plan p = plan(inv);
    if (p.error != nullptr) {
        return {false, p.error};
    }
    for (unsigned i = 0; i < p.input_count; ++i) {
        if (!inside(p.inputs[i], memory_size)) {
            return {false, "input buffer outside the data memory"};
        }
    }
    if (!inside(p.output, memory_size)) {
        return {false, "output buffer outside the data memory"};
    }
    for (unsigned i = 0; i < p.input_count; ++i) {
        const Range& in = p.inputs[i];
        if (p.alias == OutputAlias::any || !overlap(in, p.output)) {
            continue;
        }
        if (p.alias == OutputAlias::in_place_ok && in.offset == p.output.offset) {
            continue;
        }
        return {false, p.alias == OutputAlias::disjoint
                           ? "output overlaps an input"
                           : "output partially overlaps an input (only exact in-place allowed)"};
    }

    // Pointers are formed only for the buffers a kernel uses (in1 of a unary kernel may hold
    // any value, and pointing outside the memory would be undefined behaviour).
    const std::uint8_t* in0 = memory + inv.in0;
    std::uint8_t* out = memory + inv.out;
    auto in1 = [&] { return static_cast<const std::uint8_t*>(memory + inv.in1); };
    try {
        switch (inv.id) {
        case KernelId::gemm_i8_i32:
            detail::gemm_i8_i32(in0, in1(), out, p.m, p.k, p.n, p.accumulate);
            break;
        case KernelId::gemm_bf16_f32:
            detail::gemm_bf16_f32(in0, in1(), out, p.m, p.k, p.n, p.accumulate);
            break;
        case KernelId::add_i8:
            detail::add_i8(in0, in1(), out, p.count);
            break;
        case KernelId::mul_i8:
            detail::mul_i8(in0, in1(), out, p.count, p.shift);
            break;
        case KernelId::relu_i8:
            detail::relu_i8(in0, out, p.count);
            break;
        case KernelId::add_bf16:
            detail::add_bf16(in0, in1(), out, p.count);
            break;
        case KernelId::mul_bf16:
            detail::mul_bf16(in0, in1(), out, p.count);
            break;
        case KernelId::relu_bf16:
            detail::relu_bf16(in0, out, p.count);
            break;
        case KernelId::softmax_bf16:
            detail::softmax_bf16(in0, out, p.m, p.n);
            break;
        case KernelId::conv2d_i8_i32:
            detail::conv2d_i8_i32(in0, in1(), out, p.conv, p.accumulate);
            break;
        case KernelId::copy:
            std::memmove(out, in0, p.count);
            break;
        case KernelId::requant_i32_i8:
            detail::requant_i32_i8(in0, out, p.count, p.shift);
            break;
        case KernelId::none:
            break; // refused by plan()
        }
    } catch (const std::bad_alloc&) {
        // Kernels allocate their scratch before writing anything, so memory is untouched.
        return {false, "host out of memory for kernel scratch"};
    }
    return {};
}

} // namespace aie4sim::tiles::kernels
