#include "aie_tiles/tile.h"

#include "aie_tiles/core_model.h"
#include "aie_tiles/dma_channel.h"

#include <cstring>
#include <sstream>

namespace aie4sim::tiles {

namespace {

constexpr std::uint32_t kMemTilePage = 64u * 1024u;

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

std::uint32_t load_word(const std::uint8_t* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    return v;
}

} // namespace

Tile::Tile(ArrayContext& context, ArrayServices& services, unsigned col, unsigned row)
    : context_(context), services_(services), col_(col), row_(row),
      kind_(context.geometry().kind(row)),
      memory_(resources(kind_).memory_bytes,
              kind_ == TileKind::mem ? kMemTilePage : resources(kind_).memory_bytes),
      locks_(resources(kind_).locks), switch_(kind_) {
    bds_.resize(std::size_t{bd_pools()} * kBdsPerPool);
    for (unsigned i = 0; i < channels(DmaDir::s2mm); ++i) {
        s2mm_.push_back(std::make_unique<DmaChannel>(*this, DmaDir::s2mm, i));
    }
    for (unsigned i = 0; i < channels(DmaDir::mm2s); ++i) {
        mm2s_.push_back(std::make_unique<DmaChannel>(*this, DmaDir::mm2s, i));
    }
    if (kind_ == TileKind::core) {
        core_ = std::make_unique<CoreModel>(*this);
    }
}

Tile::~Tile() = default;

void Tile::spawn() {
    for (auto& c : s2mm_) {
        c->spawn();
    }
    for (auto& c : mm2s_) {
        c->spawn();
    }
    if (core_) {
        core_->spawn();
    }
}

std::string Tile::name() const {
    return std::string(tile_kind_name(kind_)) + " (" + std::to_string(col_) + "," +
           std::to_string(row_) + ")";
}

DmaChannel& Tile::channel(DmaDir dir, unsigned index) {
    return dir == DmaDir::s2mm ? *s2mm_.at(index) : *mm2s_.at(index);
}

unsigned Tile::bd_pools() const {
    const TileResources& r = resources(kind_);
    return r.bd_pool_per_channel ? r.s2mm_channels + r.mm2s_channels : 1;
}

std::array<std::uint32_t, kBdWords> Tile::bd_words(DmaDir dir, unsigned channel,
                                                   unsigned bd) const {
    const std::uint32_t offset =
        regs::bd_offset(kind_, dir, channel, bd) - regs::register_base(kind_) - regs::kDma;
    return bds_[offset / regs::kBdPoolStride * kBdsPerPool +
                (offset % regs::kBdPoolStride) / regs::kBdStride];
}

void Tile::write_bd_iter_current(DmaDir dir, unsigned channel, unsigned bd, std::uint32_t value) {
    const std::uint32_t offset =
        regs::bd_offset(kind_, dir, channel, bd) - regs::register_base(kind_) - regs::kDma;
    auto& words =
        bd_slot(offset / regs::kBdPoolStride, (offset % regs::kBdPoolStride) / regs::kBdStride);
    std::uint32_t& w = words[kBdIterCurrentWord];
    w = (w & ~(0xFFu << kBdIterCurrentShift)) | ((value & 0xFFu) << kBdIterCurrentShift);
}

void Tile::report(const std::string& source, const std::string& message) {
    context_.report_error(col_, row_, source, message);
}

AccessStatus Tile::read(std::uint32_t offset, std::uint8_t* data, std::uint32_t length) {
    if (memory_.contains(offset, length)) {
        memory_.read(offset, data, length);
        return AccessStatus::ok;
    }
    if (offset < memory_.size()) {
        return AccessStatus::unmapped; // straddles the end of the memory
    }
    if ((offset & 3) != 0 || (length & 3) != 0 || length == 0) {
        return AccessStatus::misaligned;
    }
    for (std::uint32_t i = 0; i < length; i += 4) {
        std::uint32_t v = 0;
        if (!read_register(offset + i - regs::register_base(kind_), v)) {
            return AccessStatus::unmapped;
        }
        std::memcpy(data + i, &v, 4);
    }
    return AccessStatus::ok;
}

AccessStatus Tile::write(std::uint32_t offset, const std::uint8_t* data, std::uint32_t length) {
    if (memory_.contains(offset, length)) {
        memory_.write(offset, data, length);
        return AccessStatus::ok;
    }
    if (offset < memory_.size()) {
        return AccessStatus::unmapped;
    }
    if ((offset & 3) != 0 || (length & 3) != 0 || length == 0) {
        return AccessStatus::misaligned;
    }
    // Decode every word first so that a partly unmapped block write changes nothing.
    for (std::uint32_t i = 0; i < length; i += 4) {
        if (!is_mapped(offset + i - regs::register_base(kind_))) {
            return AccessStatus::unmapped;
        }
    }
    for (std::uint32_t i = 0; i < length; i += 4) {
        if (!write_register(offset + i - regs::register_base(kind_), load_word(data + i))) {
            return AccessStatus::unmapped;
        }
    }
    return AccessStatus::ok;
}

bool Tile::lock_request(std::uint32_t reg, bool equal_window, std::uint32_t& value) {
    const std::uint32_t base = equal_window ? regs::kLockRequestEq : regs::kLockRequest;
    const std::uint32_t rel = reg - base;
    const unsigned id = rel / regs::kLockIdStride;
    const std::uint32_t in_lock = rel % regs::kLockIdStride;
    const bool acquire = in_lock >= regs::kLockAcquireOffset;
    if (id >= locks_.size() || (equal_window && !acquire)) {
        return false;
    }
    const std::uint32_t raw = (in_lock % regs::kLockAcquireOffset) >> 2;
    const int v = (raw & 0x40u) != 0 ? static_cast<int>(raw) - 128 : static_cast<int>(raw);
    LockBank::Result r = LockBank::Result::granted;
    if (acquire) {
        r = locks_.try_acquire(id, equal_window, v);
    } else {
        r = locks_.release(id, v);
    }
    if (r == LockBank::Result::range_error) {
        report("lock " + std::to_string(id),
               std::string(acquire ? "acquire" : "release") + " by " + std::to_string(v) +
                   " through the request window would leave -64..63 (value " +
                   std::to_string(locks_.value(id)) + ")");
    }
    value = r == LockBank::Result::granted ? 1u : 0u;
    return true;
}

bool Tile::is_mapped(std::uint32_t reg) const {
    std::uint32_t ignored = 0;
    if (core_ && reg >= regs::kCore && reg < regs::kCore + 0x100) {
        return core_->read(reg - regs::kCore, ignored);
    }
    if (reg >= regs::kSwitch && reg < regs::kSwitch + switch_.block_size()) {
        return switch_.read(reg - regs::kSwitch, ignored);
    }
    if (reg >= regs::kLockRequest &&
        reg < regs::kLockRequest + locks_.size() * regs::kLockIdStride) {
        return true;
    }
    if (reg >= regs::kLockRequestEq &&
        reg < regs::kLockRequestEq + locks_.size() * regs::kLockIdStride) {
        return (reg - regs::kLockRequestEq) % regs::kLockIdStride >= regs::kLockAcquireOffset;
    }
    if (reg >= regs::kLockValue &&
        reg < regs::kLockValue + locks_.size() * regs::kLockValueStride) {
        return (reg - regs::kLockValue) % regs::kLockValueStride == 0;
    }
    if (reg == regs::kLockError || reg == regs::kLockError + 4) {
        return true;
    }
    if (bd_word(reg)) {
        return true;
    }
    if (const auto r = channel_register(reg)) {
        return r->offset <= regs::kChannelTasksDone;
    }
    return false;
}

std::optional<Tile::BdWord> Tile::bd_word(std::uint32_t reg) const {
    if (reg < regs::kDma || reg >= regs::kDmaChannels) {
        return std::nullopt;
    }
    const std::uint32_t rel = reg - regs::kDma;
    const unsigned pool = rel / regs::kBdPoolStride;
    const unsigned bd = (rel % regs::kBdPoolStride) / regs::kBdStride;
    if (pool >= bd_pools() || bd >= kBdsPerPool) {
        return std::nullopt;
    }
    return BdWord{pool * kBdsPerPool + bd, (rel % regs::kBdPoolStride) % regs::kBdStride / 4};
}

std::optional<Tile::ChannelRegister> Tile::channel_register(std::uint32_t reg) const {
    for (const DmaDir dir : {DmaDir::s2mm, DmaDir::mm2s}) {
        const std::uint32_t base =
            dir == DmaDir::s2mm ? regs::kDmaChannels : regs::kDmaMm2sChannels;
        if (reg >= base && reg < base + channels(dir) * regs::kDmaChannelStride) {
            return ChannelRegister{dir, (reg - base) / regs::kDmaChannelStride,
                                   (reg - base) % regs::kDmaChannelStride};
        }
    }
    return std::nullopt;
}

bool Tile::read_register(std::uint32_t reg, std::uint32_t& value) {
    if (core_ && reg >= regs::kCore && reg < regs::kCore + 0x100) {
        return core_->read(reg - regs::kCore, value);
    }
    if (reg >= regs::kSwitch && reg < regs::kSwitch + switch_.block_size()) {
        return switch_.read(reg - regs::kSwitch, value);
    }
    if (reg >= regs::kLockRequest &&
        reg < regs::kLockRequest + locks_.size() * regs::kLockIdStride) {
        return lock_request(reg, false, value);
    }
    if (reg >= regs::kLockRequestEq &&
        reg < regs::kLockRequestEq + locks_.size() * regs::kLockIdStride) {
        return lock_request(reg, true, value);
    }
    if (reg >= regs::kLockValue &&
        reg < regs::kLockValue + locks_.size() * regs::kLockValueStride) {
        if ((reg - regs::kLockValue) % regs::kLockValueStride != 0) {
            return false;
        }
        value = static_cast<std::uint32_t>(
            locks_.value((reg - regs::kLockValue) / regs::kLockValueStride));
        return true;
    }
    if (reg == regs::kLockError || reg == regs::kLockError + 4) {
        value =
            static_cast<std::uint32_t>(locks_.error_bits() >> (reg == regs::kLockError ? 0 : 32));
        return true;
    }
    if (const auto bd = bd_word(reg)) {
        value = bds_[bd->index][bd->word];
        return true;
    }
    if (const auto r = channel_register(reg)) {
        DmaChannel& ch = channel(r->dir, r->channel);
        switch (r->offset) {
        case regs::kChannelCtrl:
        case regs::kChannelStartQueue:
            value = 0; // write-only
            return true;
        case regs::kChannelStatus:
            value = ch.status();
            return true;
        case regs::kChannelTokens:
            value = ch.tokens_issued();
            return true;
        case regs::kChannelErrorInfo:
            value = ch.error_info();
            return true;
        case regs::kChannelTasksDone:
            value = ch.tasks_done();
            return true;
        default:
            return false;
        }
    }
    return false;
}

bool Tile::write_register(std::uint32_t reg, std::uint32_t value) {
    if (core_ && reg >= regs::kCore && reg < regs::kCore + 0x100) {
        return core_->write(reg - regs::kCore, value);
    }
    if (reg >= regs::kSwitch && reg < regs::kSwitch + switch_.block_size()) {
        std::string error;
        const bool mapped = switch_.write(reg - regs::kSwitch, value, error);
        if (!error.empty()) {
            report("register", error + " (value " + hex(value) + ")");
        }
        return mapped;
    }
    if ((reg >= regs::kLockRequest &&
         reg < regs::kLockRequest + locks_.size() * regs::kLockIdStride) ||
        (reg >= regs::kLockRequestEq &&
         reg < regs::kLockRequestEq + locks_.size() * regs::kLockIdStride)) {
        std::uint32_t ignored = 0; // a write performs the request; the result is lost
        return lock_request(reg, reg >= regs::kLockRequestEq, ignored);
    }
    if (reg >= regs::kLockValue &&
        reg < regs::kLockValue + locks_.size() * regs::kLockValueStride) {
        if ((reg - regs::kLockValue) % regs::kLockValueStride != 0) {
            return false;
        }
        const unsigned id = (reg - regs::kLockValue) / regs::kLockValueStride;
        const auto v = static_cast<std::int32_t>(value);
        if (!locks_.set_value(id, v)) {
            report("lock " + std::to_string(id),
                   "LOCK_VALUE write of " + std::to_string(v) + " outside -64..63 ignored");
        }
        return true;
    }
    if (reg == regs::kLockError || reg == regs::kLockError + 4) {
        locks_.clear_error_bits(std::uint64_t{value} << (reg == regs::kLockError ? 0 : 32));
        return true;
    }
    if (const auto bd = bd_word(reg)) {
        bds_[bd->index][bd->word] = value;
        return true;
    }
    if (const auto r = channel_register(reg)) {
        DmaChannel& ch = channel(r->dir, r->channel);
        switch (r->offset) {
        case regs::kChannelCtrl:
            ch.write_ctrl(value);
            return true;
        case regs::kChannelStartQueue:
            ch.push_task(value);
            return true;
        case regs::kChannelStatus:
        case regs::kChannelTokens:
        case regs::kChannelErrorInfo:
        case regs::kChannelTasksDone:
            report("register",
                   "write to read-only " + ch.name() + " register " + hex(reg) + " ignored");
            return true;
        default:
            return false;
        }
    }
    return false;
}

void Tile::reset() {
    for (auto& c : s2mm_) {
        c->reset();
    }
    for (auto& c : mm2s_) {
        c->reset();
    }
    if (core_) {
        core_->reset();
    }
    locks_.reset();
    switch_.reset();
    for (auto& bd : bds_) {
        bd.fill(0);
    }
    memory_.clear();
}

} // namespace aie4sim::tiles
