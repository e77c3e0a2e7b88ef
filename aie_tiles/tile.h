#pragma once
// One tile of the array (shim, memory or compute): its memory, locks, stream switch
// configuration, BD registers, DMA channels and (compute tiles) core, plus the decoding of
// its register window (register_map.h). Not an sc_module: its channels and core spawn their
// own threads; the array owns the tiles.

#include "aie_tiles/array_context.h"
#include "aie_tiles/array_services.h"
#include "aie_tiles/format/bd_format.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/lock_bank.h"
#include "aie_tiles/stream_switch.h"
#include "aie_tiles/tile_memory.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace aie4sim::tiles {

class CoreModel;
class DmaChannel;

enum class AccessStatus { ok, unmapped, misaligned };

class Tile {
public:
    Tile(ArrayContext& context, ArrayServices& services, unsigned col, unsigned row);
    ~Tile();
    Tile(const Tile&) = delete;
    Tile& operator=(const Tile&) = delete;

    // Spawns the DMA and core threads (during elaboration).
    void spawn();

    [[nodiscard]] TileKind kind() const { return kind_; }
    [[nodiscard]] unsigned col() const { return col_; }
    [[nodiscard]] unsigned row() const { return row_; }
    [[nodiscard]] std::string name() const;
    ArrayContext& context() { return context_; }
    ArrayServices& services() { return services_; }
    TileMemory& memory() { return memory_; }
    LockBank& locks() { return locks_; }
    [[nodiscard]] const StreamSwitch& stream_switch() const { return switch_; }
    DmaChannel& channel(DmaDir dir, unsigned index);
    [[nodiscard]] unsigned channels(DmaDir dir) const { return channel_count(kind_, dir); }
    CoreModel* core() { return core_.get(); }

    // BD registers of a channel's pool.
    [[nodiscard]] std::array<std::uint32_t, kBdWords> bd_words(DmaDir dir, unsigned channel,
                                                               unsigned bd) const;
    void write_bd_iter_current(DmaDir dir, unsigned channel, unsigned bd, std::uint32_t value);

    // Register/memory access at `offset` inside the tile's window. Memory accepts any length;
    // registers need 4-byte aligned, whole-word accesses. A write with a bad value is
    // decoded (ok) but ignored and reported as an error of the column.
    AccessStatus read(std::uint32_t offset, std::uint8_t* data, std::uint32_t length);
    AccessStatus write(std::uint32_t offset, const std::uint8_t* data, std::uint32_t length);

    void report(const std::string& source, const std::string& message);
    void reset();
    [[nodiscard]] std::size_t resident_bytes() const { return memory_.resident_bytes(); }

private:
    [[nodiscard]] bool is_mapped(std::uint32_t reg) const; // no side effects
    bool read_register(std::uint32_t reg, std::uint32_t& value);
    bool write_register(std::uint32_t reg, std::uint32_t value);
    bool lock_request(std::uint32_t reg, bool equal_window, std::uint32_t& value);
    [[nodiscard]] unsigned bd_pools() const;
    // Where a DMA register lives: a word of a buffer descriptor (bds_[index][word]), or a
    // register of a channel; nothing when the address decodes to neither.
    struct BdWord {
        unsigned index;
        unsigned word;
    };
    struct ChannelRegister {
        DmaDir dir;
        unsigned channel;
        std::uint32_t offset;
    };
    [[nodiscard]] std::optional<BdWord> bd_word(std::uint32_t reg) const;
    [[nodiscard]] std::optional<ChannelRegister> channel_register(std::uint32_t reg) const;
    std::array<std::uint32_t, kBdWords>& bd_slot(unsigned pool, unsigned bd) {
        return bds_[pool * kBdsPerPool + bd];
    }

    ArrayContext& context_;
    ArrayServices& services_;
    unsigned col_;
    unsigned row_;
    TileKind kind_;
    TileMemory memory_;
    LockBank locks_;
    StreamSwitch switch_;
    std::vector<std::array<std::uint32_t, kBdWords>> bds_;
    std::vector<std::unique_ptr<DmaChannel>> s2mm_;
    std::vector<std::unique_ptr<DmaChannel>> mm2s_;
    std::unique_ptr<CoreModel> core_;
};

} // namespace aie4sim::tiles
