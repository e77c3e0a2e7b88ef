#include "aie_tiles/stream_switch.h"

#include "aie_tiles/format/register_map.h"
#include "aie_tiles/format/stream_ports.h"

#include <algorithm>

namespace aie4sim::tiles {

namespace {

constexpr std::uint32_t kMasterOffset = regs::kSwitchMaster - regs::kSwitch;
constexpr std::uint32_t kSlaveOffset = regs::kSwitchSlave - regs::kSwitch;
constexpr std::uint32_t kSlotOffset = regs::kSwitchSlot - regs::kSwitch;

constexpr std::uint32_t kMasterValid = regs::kSwitchEnable | regs::kSwitchPacket | 0x3Fu;
constexpr std::uint32_t kSlaveValid = regs::kSwitchEnable | regs::kSwitchPacket;
constexpr std::uint32_t kSlotValid = regs::kSwitchEnable | (0x1Fu << 24) | (0x1Fu << 16) | 0x3Fu;

} // namespace

StreamSwitch::StreamSwitch(TileKind kind)
    : kind_(kind), master_(master_port_count(kind), 0), slave_(slave_port_count(kind), 0),
      slot_(std::size_t{slave_port_count(kind)} * regs::kSlotsPerSlave, 0) {}

std::uint32_t StreamSwitch::block_size() const {
    return kSlotOffset + slaves() * 0x10;
}

bool StreamSwitch::read(std::uint32_t offset, std::uint32_t& value) const {
    if (offset >= kMasterOffset && offset < kMasterOffset + 4 * masters()) {
        value = master_[(offset - kMasterOffset) / 4];
        return true;
    }
    if (offset >= kSlaveOffset && offset < kSlaveOffset + 4 * slaves()) {
        value = slave_[(offset - kSlaveOffset) / 4];
        return true;
    }
    if (offset >= kSlotOffset && offset < kSlotOffset + 0x10 * slaves()) {
        value = slot_[(offset - kSlotOffset) / 4];
        return true;
    }
    return false;
}

bool StreamSwitch::write(std::uint32_t offset, std::uint32_t value, std::string& error) {
    if (offset >= kMasterOffset && offset < kMasterOffset + 4 * masters()) {
        const unsigned m = (offset - kMasterOffset) / 4;
        const bool packet = (value & regs::kSwitchPacket) != 0;
        if ((value & ~kMasterValid) != 0) {
            error = "stream switch master " + std::to_string(m) + ": reserved bits set";
        } else if (!packet && (value & regs::kSwitchEnable) != 0 && (value & 0x3Fu) >= slaves()) {
            error = "stream switch master " + std::to_string(m) + ": source slave " +
                    std::to_string(value & 0x3Fu) + " does not exist (" + std::to_string(slaves()) +
                    " slaves)";
        } else {
            master_[m] = value;
        }
        return true;
    }
    if (offset >= kSlaveOffset && offset < kSlaveOffset + 4 * slaves()) {
        const unsigned s = (offset - kSlaveOffset) / 4;
        if ((value & ~kSlaveValid) != 0) {
            error = "stream switch slave " + std::to_string(s) + ": reserved bits set";
        } else {
            slave_[s] = value;
        }
        return true;
    }
    if (offset >= kSlotOffset && offset < kSlotOffset + 0x10 * slaves()) {
        const unsigned index = (offset - kSlotOffset) / 4;
        if ((value & ~kSlotValid) != 0) {
            error = "stream switch slot " + std::to_string(index / 4) + "." +
                    std::to_string(index % 4) + ": reserved bits set";
        } else if ((value & 0x3Fu) >= masters()) {
            error = "stream switch slot " + std::to_string(index / 4) + "." +
                    std::to_string(index % 4) + ": master " + std::to_string(value & 0x3Fu) +
                    " does not exist";
        } else {
            slot_[index] = value;
        }
        return true;
    }
    return false;
}

void StreamSwitch::reset() {
    std::fill(master_.begin(), master_.end(), 0);
    std::fill(slave_.begin(), slave_.end(), 0);
    std::fill(slot_.begin(), slot_.end(), 0);
}

} // namespace aie4sim::tiles
