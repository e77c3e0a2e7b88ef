#include "pcie/config_space.h"

#include <cassert>
#include <stdexcept>

namespace aie4sim::pcie {

namespace {

void check_range(std::uint32_t offset, unsigned width) {
    if (width == 0 || width > 8 || offset + width > kConfigSpaceSize) {
        throw std::out_of_range("config space field out of range");
    }
}

template <class Array>
std::uint64_t load(const Array& bytes, std::uint16_t offset, unsigned width) {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < width; ++i) {
        v |= static_cast<std::uint64_t>(bytes[offset + i]) << (8 * i);
    }
    return v;
}

template <class Array>
void store(Array& bytes, std::uint16_t offset, unsigned width, std::uint64_t v) {
    for (unsigned i = 0; i < width; ++i) {
        bytes[offset + i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
}

} // namespace

ConfigSpace::ConfigSpace() = default;

void ConfigSpace::define(std::uint16_t offset, unsigned width, std::uint64_t initial,
                         std::uint64_t writable, std::uint64_t write1_clear,
                         std::uint64_t flr_preserved) {
    check_range(offset, width);
    assert((writable & write1_clear) == 0 && "a bit is either RW or RW1C");
    store(value_, offset, width, initial);
    store(initial_, offset, width, initial);
    store(writable_, offset, width, writable);
    store(write1_clear_, offset, width, write1_clear);
    store(flr_preserved_, offset, width, flr_preserved);
}

void ConfigSpace::add_register(std::uint16_t offset, unsigned width, Filter filter,
                               Observer observer) {
    check_range(offset, width);
    for (const Hook& h : hooks_) {
        if (offset < h.offset + h.width && h.offset < offset + width) {
            throw std::logic_error("config space registers overlap");
        }
    }
    hooks_.push_back(Hook{offset, width, std::move(filter), std::move(observer)});
}

void ConfigSpace::set_writable(std::uint16_t offset, unsigned width, std::uint64_t writable) {
    check_range(offset, width);
    store(writable_, offset, width, writable);
}

bool ConfigSpace::valid_access(std::uint32_t offset, unsigned size) {
    if (size != 1 && size != 2 && size != 4) {
        return false;
    }
    if (offset + size > kConfigSpaceSize) {
        return false;
    }
    return (offset / 4) == ((offset + size - 1) / 4);
}

std::uint32_t ConfigSpace::read(std::uint16_t offset, unsigned size) const {
    if (!valid_access(offset, size)) {
        return 0xFFFFFFFFu;
    }
    return static_cast<std::uint32_t>(load(value_, offset, size));
}

void ConfigSpace::write(std::uint16_t offset, unsigned size, std::uint32_t value) {
    if (!valid_access(offset, size)) {
        return;
    }
    // The bytes after the RW and RW1C masks.
    std::array<std::uint8_t, 4> proposed{};
    for (unsigned i = 0; i < size; ++i) {
        const unsigned b = offset + i;
        const auto v = static_cast<std::uint8_t>(value >> (8 * i));
        std::uint8_t n =
            static_cast<std::uint8_t>((value_[b] & ~writable_[b]) | (v & writable_[b]));
        n = static_cast<std::uint8_t>(n & ~(v & write1_clear_[b]));
        proposed[i] = n;
    }

    struct Pending {
        const Hook* hook;
        std::uint64_t old_value;
        std::uint64_t new_value;
    };
    std::vector<Pending> observed;
    std::array<bool, 4> hooked{};

    for (const Hook& h : hooks_) {
        if (!(offset < h.offset + h.width && h.offset < offset + size)) {
            continue;
        }
        RegisterWrite w;
        w.old_value = load(value_, h.offset, h.width);
        w.masked_value = w.old_value;
        for (unsigned i = 0; i < size; ++i) {
            const unsigned b = offset + i;
            if (b < h.offset || b >= h.offset + h.width) {
                continue;
            }
            const unsigned shift = 8 * (b - h.offset);
            w.masked_value &= ~(std::uint64_t{0xFF} << shift);
            w.masked_value |= std::uint64_t{proposed[i]} << shift;
            w.written_bits |= std::uint64_t{static_cast<std::uint8_t>(value >> (8 * i))} << shift;
            w.written_mask |= std::uint64_t{0xFF} << shift;
            hooked[i] = true;
        }
        const std::uint64_t final_value = h.filter ? h.filter(w) : w.masked_value;
        observed.push_back(Pending{&h, w.old_value, final_value});
    }

    for (unsigned i = 0; i < size; ++i) {
        if (!hooked[i]) {
            value_[offset + i] = proposed[i];
        }
    }
    for (const Pending& p : observed) {
        store(value_, p.hook->offset, p.hook->width, p.new_value);
    }
    for (const Pending& p : observed) {
        if (p.hook->observer) {
            p.hook->observer(p.old_value, p.new_value);
        }
    }
}

std::uint64_t ConfigSpace::get(std::uint16_t offset, unsigned width) const {
    check_range(offset, width);
    return load(value_, offset, width);
}

void ConfigSpace::set(std::uint16_t offset, unsigned width, std::uint64_t value) {
    check_range(offset, width);
    store(value_, offset, width, value);
}

void ConfigSpace::set_initial(std::uint16_t offset, unsigned width, std::uint64_t value) {
    check_range(offset, width);
    store(initial_, offset, width, value);
}

void ConfigSpace::reset(ResetKind kind) {
    for (std::uint32_t b = 0; b < kConfigSpaceSize; ++b) {
        const std::uint8_t keep = kind == ResetKind::cold ? 0 : flr_preserved_[b];
        value_[b] = static_cast<std::uint8_t>((value_[b] & keep) | (initial_[b] & ~keep));
    }
}

} // namespace aie4sim::pcie
