#include "aie_tiles/format/bd_format.h"

namespace aie4sim::tiles {

namespace {

constexpr std::uint32_t field(std::uint32_t value, unsigned shift, unsigned bits) {
    return (value & ((bits == 32 ? 0u : (1u << bits)) - 1u)) << shift;
}

constexpr std::uint32_t extract(std::uint32_t word, unsigned shift, unsigned bits) {
    return (word >> shift) & ((bits == 32 ? 0u : (1u << bits)) - 1u);
}

int sign7(std::uint32_t v) {
    v &= 0x7F;
    return (v & 0x40) != 0 ? static_cast<int>(v) - 128 : static_cast<int>(v);
}

std::uint32_t lock_value_bits(int value) {
    return static_cast<std::uint32_t>(value) & 0x7F;
}

} // namespace

const char* check_encodable(const BufferDescriptor& bd) {
    if ((bd.address >> 57) != 0) {
        return "address wider than 57 bits";
    }
    for (const BdDim& d : bd.dims) {
        if (d.step > kMaxStep) {
            return "step wider than 23 bits";
        }
        if (d.wrap > kMaxWrap) {
            return "wrap above 4095";
        }
        if (d.pad_before > kMaxPad || d.pad_after > kMaxPad) {
            return "padding above 255";
        }
    }
    if (bd.d3_step > kMaxStep || bd.iter_step > kMaxStep) {
        return "step wider than 23 bits";
    }
    if (bd.iter_wrap > kMaxIterWrap || bd.iter_current > kMaxIterWrap) {
        return "iteration wrap/current above 255";
    }
    if (bd.next_bd > 15 || bd.packet_type > 7 || bd.packet_id > 31) {
        return "next BD, packet type or packet id out of range";
    }
    for (const BdLock* l : {&bd.acquire, &bd.release}) {
        if (l->id > 63 || l->value < -64 || l->value > 63) {
            return "lock id or value out of range";
        }
    }
    return nullptr;
}

std::array<std::uint32_t, kBdWords> encode_bd(const BufferDescriptor& bd) {
    std::array<std::uint32_t, kBdWords> w{};
    w[0] = field(static_cast<std::uint32_t>(bd.address >> 32), 0, 25);
    w[1] = static_cast<std::uint32_t>(bd.address);
    w[2] = bd.length;
    w[3] = field(bd.dims[0].step, 0, 23) | field(bd.dims[0].pad_before, 23, 8);
    w[4] = field(bd.dims[1].step, 0, 23) | field(bd.dims[1].pad_before, 23, 8);
    w[5] = field(bd.dims[2].step, 0, 23) | field(bd.dims[2].pad_before, 23, 8);
    w[6] = field(bd.d3_step, 0, 23) | field(bd.iter_current, kBdIterCurrentShift, 8);
    w[7] = field(bd.iter_step, 0, 23) | field(bd.iter_wrap, 23, 8);
    w[8] = field(bd.dims[0].wrap, 0, 12) | field(bd.dims[1].wrap, 12, 12) |
           field(bd.dims[0].pad_after, 24, 8);
    w[9] = field(bd.dims[2].wrap, 0, 12) | field(bd.dims[1].pad_after, 12, 8) |
           field(bd.dims[2].pad_after, 20, 8);
    w[10] = (bd.valid ? 1u << 31 : 0u) | (bd.use_next ? 1u << 30 : 0u) | field(bd.next_bd, 24, 4) |
            (bd.packet_enable ? 1u << 16 : 0u) | field(bd.packet_type, 12, 3) |
            field(bd.packet_id, 0, 5);
    w[11] = (bd.acquire.enable ? 1u << 31 : 0u) | (bd.acquire.equal ? 1u << 30 : 0u) |
            field(lock_value_bits(bd.acquire.value), 23, 7) | field(bd.acquire.id, 16, 6) |
            (bd.release.enable ? 1u << 15 : 0u) | field(lock_value_bits(bd.release.value), 8, 7) |
            field(bd.release.id, 0, 6);
    return w;
}

BufferDescriptor decode_bd(const std::array<std::uint32_t, kBdWords>& w) {
    BufferDescriptor bd;
    bd.address = w[1] | (std::uint64_t{extract(w[0], 0, 25)} << 32);
    bd.length = w[2];
    for (unsigned d = 0; d < 3; ++d) {
        bd.dims[d].step = extract(w[3 + d], 0, 23);
        bd.dims[d].pad_before = extract(w[3 + d], 23, 8);
    }
    bd.d3_step = extract(w[6], 0, 23);
    bd.iter_current = extract(w[6], kBdIterCurrentShift, 8);
    bd.iter_step = extract(w[7], 0, 23);
    bd.iter_wrap = extract(w[7], 23, 8);
    bd.dims[0].wrap = extract(w[8], 0, 12);
    bd.dims[1].wrap = extract(w[8], 12, 12);
    bd.dims[0].pad_after = extract(w[8], 24, 8);
    bd.dims[2].wrap = extract(w[9], 0, 12);
    bd.dims[1].pad_after = extract(w[9], 12, 8);
    bd.dims[2].pad_after = extract(w[9], 20, 8);
    bd.valid = (w[10] >> 31) != 0;
    bd.use_next = ((w[10] >> 30) & 1u) != 0;
    bd.next_bd = extract(w[10], 24, 4);
    bd.packet_enable = ((w[10] >> 16) & 1u) != 0;
    bd.packet_type = extract(w[10], 12, 3);
    bd.packet_id = extract(w[10], 0, 5);
    bd.acquire.enable = (w[11] >> 31) != 0;
    bd.acquire.equal = ((w[11] >> 30) & 1u) != 0;
    bd.acquire.value = sign7(extract(w[11], 23, 7));
    bd.acquire.id = extract(w[11], 16, 6);
    bd.release.enable = ((w[11] >> 15) & 1u) != 0;
    bd.release.value = sign7(extract(w[11], 8, 7));
    bd.release.id = extract(w[11], 0, 6);
    return bd;
}

BufferDescriptor linear_bd(std::uint64_t address, std::uint32_t bytes) {
    BufferDescriptor bd;
    bd.address = address;
    bd.length = bytes / 4;
    return bd;
}

} // namespace aie4sim::tiles
