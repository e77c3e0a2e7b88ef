#pragma once
// A function's configuration space (4 KiB: the type-0 header, the capability list, and the
// extended capabilities). Every byte carries its own semantics, as the PCIe Base
// Specification defines per field: read-only (including HwInit and RsvdP, which read as the
// device set them), read-write, and write-1-to-clear. Registers whose writes have rules or side
// effects beyond those masks (BAR decode changes, Initiate FLR, NumVFs...) register a filter
// and an observer.

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

namespace aie4sim::pcie {

inline constexpr std::uint32_t kConfigSpaceSize = 4096;

enum class ResetKind {
    cold,           // power-on or system reset: every register to its initial value
    function_level, // FLR: as cold, except the fields the specification preserves
    vf_disable,     // a VF is removed by clearing VF Enable: as FLR for the VF
};

// One software write as seen by a register: its value before, its value after the
// RW/RW1C masks were applied, and the raw bits the requester wrote (some fields, such as
// Initiate FLR, act on the written bit but always read back as 0).
struct RegisterWrite {
    std::uint64_t old_value = 0;
    std::uint64_t masked_value = 0;
    std::uint64_t written_bits = 0;
    std::uint64_t written_mask = 0; // which bits of the register the access covered
};

class ConfigSpace {
public:
    // Returns the value to store (usually masked_value, or old_value to refuse a write).
    using Filter = std::function<std::uint64_t(const RegisterWrite&)>;
    // Runs after the whole access is committed, for side effects.
    using Observer = std::function<void(std::uint64_t old_value, std::uint64_t new_value)>;

    ConfigSpace();

    // Declares `width` bytes (1..8) at `offset`: initial value, writable bits, write-1-to-clear
    // bits, and bits a function-level reset leaves untouched. Bytes never declared read as 0
    // and ignore writes (reserved).
    void define(std::uint16_t offset, unsigned width, std::uint64_t initial,
                std::uint64_t writable = 0, std::uint64_t write1_clear = 0,
                std::uint64_t flr_preserved = 0);
    void add_register(std::uint16_t offset, unsigned width, Filter filter,
                      Observer observer = nullptr);
    // Changes which bits software may write (a VF BAR's size follows System Page Size).
    void set_writable(std::uint16_t offset, unsigned width, std::uint64_t writable);

    // Software access (a configuration request): false if the access is malformed (size not
    // 1, 2 or 4, crossing a DWORD, or past the end); nothing changes then.
    [[nodiscard]] static bool valid_access(std::uint32_t offset, unsigned size);
    [[nodiscard]] std::uint32_t read(std::uint16_t offset, unsigned size) const;
    void write(std::uint16_t offset, unsigned size, std::uint32_t value);

    // Device-side access, ignoring the software masks.
    [[nodiscard]] std::uint64_t get(std::uint16_t offset, unsigned width) const;
    void set(std::uint16_t offset, unsigned width, std::uint64_t value);
    // Device-side update of the value a reset returns to (for HwInit fields set at run time).
    void set_initial(std::uint16_t offset, unsigned width, std::uint64_t value);

    void reset(ResetKind kind);

    [[nodiscard]] const std::array<std::uint8_t, kConfigSpaceSize>& bytes() const { return value_; }

private:
    struct Hook {
        std::uint16_t offset;
        unsigned width;
        Filter filter;
        Observer observer;
    };

    std::array<std::uint8_t, kConfigSpaceSize> value_{};
    std::array<std::uint8_t, kConfigSpaceSize> initial_{};
    std::array<std::uint8_t, kConfigSpaceSize> writable_{};
    std::array<std::uint8_t, kConfigSpaceSize> write1_clear_{};
    std::array<std::uint8_t, kConfigSpaceSize> flr_preserved_{};
    std::vector<Hook> hooks_;
};

} // namespace aie4sim::pcie
