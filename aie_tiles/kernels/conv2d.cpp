// 2-D convolution, batch 1:
//   out[oh][ow][co] (+)= sum over kh, kw, ci of in[ih][iw][ci] * w[kh][kw][ci][co]
//   with ih = oh*stride + kh - padding, iw = ow*stride + kw - padding; taps outside the input
//   read zero (zero padding). Input NHWC int8, weights [KH][KW][Cin][Cout] int8, output NHWC
//   int32 with OH = (H + 2P - KH)/stride + 1, OW = (W + 2P - KW)/stride + 1.
// Computed as an implicit GEMM: for each output pixel, a vector of Cout accumulators receives
// one rank-1 update per (kh, kw, ci) tap; the innermost loop runs over contiguous Cout weights.
// Sums are uint32, so overflow wraps modulo 2^32 like int32 hardware accumulators.

#include "aie_tiles/kernels/internal.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace aie4sim::tiles::kernels::detail {

void conv2d_i8_i32(const std::uint8_t* in, const std::uint8_t* weights, std::uint8_t* out,
                   const ConvShape& s, bool accumulate) {
    std::vector<std::uint32_t> acc(s.cout);
    const std::size_t out_pixel_bytes = std::size_t{s.cout} * 4;
    for (std::uint32_t oh = 0; oh < s.oh; ++oh) {
        for (std::uint32_t ow = 0; ow < s.ow; ++ow) {
            std::uint8_t* dst = out + (std::size_t{oh} * s.ow + ow) * out_pixel_bytes;
            if (accumulate) {
                std::memcpy(acc.data(), dst, out_pixel_bytes);
            } else {
                std::fill(acc.begin(), acc.end(), 0u);
            }
            for (std::uint32_t kh = 0; kh < s.kh; ++kh) {
                const std::int64_t ih =
                    std::int64_t{oh} * s.stride + std::int64_t{kh} - std::int64_t{s.padding};
                if (ih < 0 || ih >= std::int64_t{s.h}) {
                    continue;
                }
                for (std::uint32_t kw = 0; kw < s.kw; ++kw) {
                    const std::int64_t iw =
                        std::int64_t{ow} * s.stride + std::int64_t{kw} - std::int64_t{s.padding};
                    if (iw < 0 || iw >= std::int64_t{s.w}) {
                        continue;
                    }
                    const std::uint8_t* x =
                        in +
                        (static_cast<std::size_t>(ih) * s.w + static_cast<std::size_t>(iw)) * s.cin;
                    const std::uint8_t* wt =
                        weights + (std::size_t{kh} * s.kw + kw) * s.cin * std::size_t{s.cout};
                    for (std::uint32_t ci = 0; ci < s.cin; ++ci) {
                        const std::int16_t xv = as_i8(x[ci]);
                        if (xv == 0) {
                            continue;
                        }
                        const std::uint8_t* wrow = wt + std::size_t{ci} * s.cout;
                        std::uint32_t* accp = acc.data();
                        for (std::uint32_t co = 0; co < s.cout; ++co) {
                            const auto product = static_cast<std::int16_t>(xv * as_i8(wrow[co]));
                            accp[co] += static_cast<std::uint32_t>(std::int32_t{product});
                        }
                    }
                }
            }
            std::memcpy(dst, acc.data(), out_pixel_bytes);
        }
    }
}

} // namespace aie4sim::tiles::kernels::detail
