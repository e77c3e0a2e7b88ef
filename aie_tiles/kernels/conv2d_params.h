#pragma once
// Packing of conv2d_i8_i32's shape into KernelInvocation::params (see docs/kernels.md):
//   params[0] = H       | W       << 16   input height and width
//   params[1] = Cin     | Cout    << 16   input and output channels
//   params[2] = KH      | KW      << 16   kernel height and width
//   params[3] = stride  | padding << 16   same stride and zero padding in both directions
//   params[4] = flags: bit 0 = accumulate into the existing output; other bits must be 0
//   params[5..7] unused (ignored)
// Every field is 16 bits, so each dimension is at most 65535.

#include <cstdint>

namespace aie4sim::tiles::kernels {

struct Conv2dParams {
    std::uint32_t h = 0, w = 0, cin = 0, cout = 0, kh = 0, kw = 0, stride = 1, padding = 0;
    bool accumulate = false;
};

// Writes params[0..4] of an invocation. Fields wider than 16 bits are truncated: callers
// pass shapes that fit (the kernel refuses zero fields, so a truncated shape is usually caught).
inline void pack_conv2d_params(const Conv2dParams& p, std::uint32_t (&params)[8]) {
    auto pair = [](std::uint32_t lo, std::uint32_t hi) {
        return (lo & 0xFFFFu) | ((hi & 0xFFFFu) << 16);
    };
    params[0] = pair(p.h, p.w);
    params[1] = pair(p.cin, p.cout);
    params[2] = pair(p.kh, p.kw);
    params[3] = pair(p.stride, p.padding);
    params[4] = p.accumulate ? 1u : 0u;
}

inline Conv2dParams unpack_conv2d_params(const std::uint32_t (&params)[8]) {
    Conv2dParams p;
    p.h = params[0] & 0xFFFFu;
    p.w = params[0] >> 16;
    p.cin = params[1] & 0xFFFFu;
    p.cout = params[1] >> 16;
    p.kh = params[2] & 0xFFFFu;
    p.kw = params[2] >> 16;
    p.stride = params[3] & 0xFFFFu;
    p.padding = params[3] >> 16;
    p.accumulate = (params[4] & 1u) != 0;
    return p;
}

} // namespace aie4sim::tiles::kernels
