#pragma once
// Buffer descriptor layout: one 12-word layout for every tile kind (stride 0x30), our own
// (AIE4's real packing is not public). Fields that a tile kind does not support must be zero:
// a BD that sets them is refused when the channel starts it (DmaError::bd_field).
//
//   w0  [24:0]  base address high (shim only: 57-bit AIE addresses of host memory)
//   w1  [31:0]  base address low, in bytes (4-byte aligned; tile-local offset, or the low half
//               of a shim BD's host address). This is the word order XRT's patch57_aie4
//               patches: address = (w0 & 0x1FFFFFF) << 32 | w1.
//   w2  [31:0]  length: 32-bit words the BD transfers (padding words included), non-zero
//   w3  [22:0]  D0 step (words)      [30:23] D0 padding before (words)
//   w4  [22:0]  D1 step              [30:23] D1 padding before (in D0 rows)
//   w5  [22:0]  D2 step              [30:23] D2 padding before (in D1 planes)
//   w6  [22:0]  D3 step              [30:23] iteration current (updated by the DMA)
//   w7  [22:0]  iteration step       [30:23] iteration wrap (0 = no iteration dimension)
//   w8  [11:0]  D0 wrap  [23:12] D1 wrap  [31:24] D0 padding after
//   w9  [11:0]  D2 wrap  [19:12] D1 padding after  [27:20] D2 padding after
//   w10 [31] valid  [30] use next BD  [27:24] next BD  [16] packet enable
//       [14:12] packet type  [4:0] packet id
//   w11 [31] acquire enable  [30] acquire-equal  [29:23] acquire value (7-bit signed)
//       [21:16] acquire lock id  [15] release enable  [14:8] release value (7-bit signed)
//       [5:0] release lock id
//
// Addressing (docs/aie_tiles.md §4): if D0 wrap is 0 the BD is linear (word i
// at base + 4i). Otherwise word i of the transfer has counters over the *extended* extents
// e_d = before_d + wrap_d + after_d (a wrap of 0 in D1/D2 counts as 1):
//   c0 = i % e0, c1 = (i / e0) % e1, c2 = (i / (e0*e1)) % e2, c3 = i / (e0*e1*e2)
// and is a zero padding word when some c_d lies in its before/after zone; otherwise it reads
// or writes base + 4 * (sum_d (c_d - before_d) * step_d + c3 * step3). Padding is only
// supported on memory tile MM2S channels. The iteration dimension moves the base by
// iteration_current * iteration_step words; after each execution of the BD the DMA writes
// back iteration_current = (iteration_current + 1) % iteration_wrap.

#include <array>
#include <cstdint>

namespace aie4sim::tiles {

inline constexpr unsigned kBdWords = 12;
inline constexpr std::uint32_t kMaxStep = (1u << 23) - 1;
inline constexpr std::uint32_t kMaxWrap = 4095;
inline constexpr std::uint32_t kMaxPad = 255;
inline constexpr std::uint32_t kMaxIterWrap = 255;

struct BdDim {
    std::uint32_t step = 0;
    std::uint32_t wrap = 0;
    std::uint32_t pad_before = 0;
    std::uint32_t pad_after = 0;
};

struct BdLock {
    bool enable = false;
    bool equal = false; // acquire only: acquire-equal instead of acquire-greater-or-equal
    unsigned id = 0;
    int value = 0; // -64..63
};

struct BufferDescriptor {
    std::uint64_t address = 0; // bytes
    std::uint32_t length = 0;  // words
    std::array<BdDim, 3> dims{};
    std::uint32_t d3_step = 0;
    std::uint32_t iter_step = 0;
    std::uint32_t iter_wrap = 0;
    std::uint32_t iter_current = 0;
    bool valid = true;
    bool use_next = false;
    unsigned next_bd = 0;
    bool packet_enable = false;
    unsigned packet_type = 0;
    unsigned packet_id = 0;
    BdLock acquire;
    BdLock release;

    [[nodiscard]] bool has_padding() const {
        for (const BdDim& d : dims) {
            if (d.pad_before != 0 || d.pad_after != 0) {
                return true;
            }
        }
        return false;
    }
};

// Fields wider than their bit field are truncated by encode(); check_encodable() reports the
// first field that does not fit (nullptr when all fit).
const char* check_encodable(const BufferDescriptor& bd);
std::array<std::uint32_t, kBdWords> encode_bd(const BufferDescriptor& bd);
BufferDescriptor decode_bd(const std::array<std::uint32_t, kBdWords>& words);

// Word index and bit position of the iteration-current field (written back by the DMA).
inline constexpr unsigned kBdIterCurrentWord = 6;
inline constexpr unsigned kBdIterCurrentShift = 23;

// Convenience: a linear BD of `bytes` bytes (must be a multiple of 4) at `address`.
BufferDescriptor linear_bd(std::uint64_t address, std::uint32_t bytes);

} // namespace aie4sim::tiles
