// A VF's firmware: the AIE array description, partitions and hardware contexts.
#include "aie_tiles/format/register_map.h"
#include "common/hex.h"
#include "common/log.h"
#include "models/firmware/firmware.h"

#include <cstdio>
#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "fw";

std::string vf_name(unsigned f) {
    return "VF" + std::to_string(f);
}

template <class T> void put(std::vector<std::uint8_t>& out, std::size_t offset, T value) {
    std::memcpy(out.data() + offset, &value, sizeof value);
}
template <class T> T get(const std::vector<std::uint8_t>& in, std::size_t offset) {
    T value{};
    std::memcpy(&value, in.data() + offset, sizeof value);
    return value;
}
} // namespace

MailboxReply Firmware::handle_vf(unsigned function, const MailboxRequest& request) {
    switch (request.header.opcode) {
    case mgmt::kAieTileInfo:
        return tile_info(function);
    case mgmt::kAieVersionInfo:
        return version_info();
    case mgmt::kCreatePartition:
        return create_partition(function, request);
    case mgmt::kDestroyPartition:
        return destroy_partition(function, request);
    case mgmt::kCreateHwContext:
        return create_context(function, request);
    case mgmt::kDestroyHwContext:
        return destroy_context(function, request);
    case mgmt::kSuspend:
        return status_reply(mgmt::kOk); // the VF's mailbox stays valid
    default: {
        const mgmt::OpcodeInfo* info = mgmt::find_opcode(request.header.opcode);
        AIE4SIM_LOG(info, kLog,
                    vf_name(function)
                        << ": " << mgmt::opcode_name(request.header.opcode) << " is not supported");
        return status_reply(mgmt::kNotSupported,
                            info != nullptr ? info->reply_size : mgmt::kDefaultReplySize);
    }
    }
}

MailboxReply Firmware::tile_info(unsigned function) const {
    // status, then: u32 size, u16 major, minor, cols, rows, core/mem/shim rows, their first
    // rows, DMA channels, locks and event registers per tile kind, reserved.
    std::vector<std::uint8_t> r(48, 0);
    const tiles::TileResources& core = tiles::kCoreResources;
    const tiles::TileResources& mem = tiles::kMemResources;
    const tiles::TileResources& shim = tiles::kShimResources;
    const std::uint32_t column_bytes =
        geometry_.core_rows * core.memory_bytes + geometry_.mem_rows * mem.memory_bytes;
    put<std::uint32_t>(r, 0, mgmt::kOk);
    put<std::uint32_t>(r, 4, column_bytes);
    put<std::uint16_t>(r, 8, config_.aie_major);
    put<std::uint16_t>(r, 10, config_.aie_minor);
    put<std::uint16_t>(r, 12, static_cast<std::uint16_t>(columns_of_(function).count));
    put<std::uint16_t>(r, 14, static_cast<std::uint16_t>(geometry_.rows()));
    put<std::uint16_t>(r, 16, static_cast<std::uint16_t>(geometry_.core_rows));
    put<std::uint16_t>(r, 18, static_cast<std::uint16_t>(geometry_.mem_rows));
    put<std::uint16_t>(r, 20, 1);
    put<std::uint16_t>(r, 22, static_cast<std::uint16_t>(geometry_.first_core_row()));
    put<std::uint16_t>(r, 24, 1);
    put<std::uint16_t>(r, 26, 0);
    put<std::uint16_t>(r, 28, static_cast<std::uint16_t>(core.s2mm_channels + core.mm2s_channels));
    put<std::uint16_t>(r, 30, static_cast<std::uint16_t>(mem.s2mm_channels + mem.mm2s_channels));
    put<std::uint16_t>(r, 32, static_cast<std::uint16_t>(shim.s2mm_channels + shim.mm2s_channels));
    put<std::uint16_t>(r, 34, static_cast<std::uint16_t>(core.locks));
    put<std::uint16_t>(r, 36, static_cast<std::uint16_t>(mem.locks));
    put<std::uint16_t>(r, 38, static_cast<std::uint16_t>(shim.locks));
    put<std::uint16_t>(r, 40, 16); // event registers, as the AIE-ML modules have
    put<std::uint16_t>(r, 42, 16);
    put<std::uint16_t>(r, 44, 16);
    return r;
}

MailboxReply Firmware::version_info() const {
    std::vector<std::uint8_t> r(8, 0);
    put<std::uint32_t>(r, 0, mgmt::kOk);
    put<std::uint16_t>(r, 4, config_.aie_major);
    put<std::uint16_t>(r, 6, config_.aie_minor);
    return r;
}

MailboxReply Firmware::create_partition(unsigned function, const MailboxRequest& request) {
    const auto col_start = get<std::uint32_t>(request.payload, 0);
    auto col_count = get<std::uint32_t>(request.payload, 4);
    const unsigned visible = columns_of_(function).count;
    if (col_count == 0 || col_start >= visible) {
        AIE4SIM_LOG(error, kLog,
                    vf_name(function) << ": CREATE_PARTITION(" << col_start << ", " << col_count
                                      << ") outside the " << visible << " columns the VF sees");
        return status_reply(mgmt::kError, 8);
    }
    if (col_count > visible - col_start) {
        // The 7.3.4 driver always asks for (0, 3): a VF that owns fewer columns (spatial
        // scheduling) gets what it has.
        AIE4SIM_LOG(info, kLog,
                    vf_name(function) << ": CREATE_PARTITION(" << col_start << ", " << col_count
                                      << ") clamped to the VF's " << visible << " columns");
        col_count = visible - col_start;
    }
    FunctionState& s = functions_[function];
    // Ids carry the function in their upper half: unique across the device, never 0.
    const std::uint32_t id =
        (static_cast<std::uint32_t>(function) << 16) | (s.next_partition++ & 0xFFFF);
    s.partitions[id] = Partition{id, col_start, col_count};
    AIE4SIM_LOG(info, kLog,
                vf_name(function) << ": partition 0x" << std::hex << id << std::dec << " = columns "
                                  << col_start << ".." << col_start + col_count - 1);
    std::vector<std::uint8_t> r(8, 0);
    put<std::uint32_t>(r, 4, id);
    return r;
}

MailboxReply Firmware::destroy_partition(unsigned function, const MailboxRequest& request) {
    const auto id = get<std::uint32_t>(request.payload, 0);
    FunctionState& s = functions_[function];
    auto it = s.partitions.find(id);
    if (it == s.partitions.end()) {
        AIE4SIM_LOG(warn, kLog,
                    vf_name(function) << ": DESTROY_PARTITION of 0x" << std::hex << id << std::dec
                                      << ", which is not its own: refused");
        return status_reply(mgmt::kError);
    }
    contexts_.remove_partition(function, id);
    s.partitions.erase(it);
    AIE4SIM_LOG(info, kLog,
                vf_name(function) << ": partition 0x" << std::hex << id << " destroyed");
    return status_reply(mgmt::kOk);
}

MailboxReply Firmware::create_context(unsigned function, const MailboxRequest& request) {
    FunctionState& s = functions_[function];
    const auto partition_id = get<std::uint32_t>(request.payload, 0);
    const auto num_tiles = get<std::uint32_t>(request.payload, 4);
    const std::uint64_t queue = (std::uint64_t{get<std::uint32_t>(request.payload, 8)} << 32) |
                                get<std::uint32_t>(request.payload, 12);
    const auto priority = get<std::uint32_t>(request.payload, 20);
    auto refuse = [&](const std::string& why) {
        AIE4SIM_LOG(error, kLog, vf_name(function) << ": CREATE_HW_CONTEXT refused: " << why);
        return status_reply(mgmt::kError, 16);
    };
    auto p = s.partitions.find(partition_id);
    if (p == s.partitions.end()) {
        return refuse("partition " + common::hex(partition_id) + " is not this function's");
    }
    const unsigned tiles_available = p->second.col_count * geometry_.core_rows;
    if (num_tiles == 0 || num_tiles > tiles_available) {
        return refuse(std::to_string(num_tiles) + " tiles requested, the partition has " +
                      std::to_string(tiles_available));
    }
    if (queue == 0 || (queue & 7) != 0) {
        return refuse("the host queue address " + common::hex(queue) + " is not 8-byte aligned");
    }
    const unsigned vectors = endpoint_.vf(function).msix().vectors();
    if (vectors < 2) {
        return refuse("the function has no MSI-X vector besides the mailbox's");
    }
    std::vector<bool> used(config_.max_contexts, false);
    for (const auto& c : contexts_.of(function)) {
        used[c->info.slot] = true;
    }
    unsigned slot = 0;
    while (slot < used.size() && used[slot]) {
        ++slot;
    }
    if (slot == used.size()) {
        return refuse("all " + std::to_string(config_.max_contexts) + " contexts are in use");
    }
    HwContext c;
    do {
        c.id = s.next_context++;
        if (s.next_context > 0xFFFF) {
            s.next_context = 1;
        }
    } while (contexts_.find(function, c.id));
    c.function = function;
    c.partition_id = partition_id;
    c.host_queue = queue;
    c.num_tiles = num_tiles;
    c.priority = priority;
    c.slot = slot;
    c.doorbell_offset = doorbell_base_ + slot * doorbell_stride_;
    // The mailbox owns its vector; job completion vectors are the others, in turn.
    const unsigned mailbox_vector = mailboxes_[function]->layout().msi_vector;
    c.msix_vector = 1 + (slot % (vectors - 1));
    if (c.msix_vector == mailbox_vector) {
        c.msix_vector = (c.msix_vector + 1) % vectors;
    }
    contexts_.add(c);
    AIE4SIM_LOG(info, kLog,
                vf_name(function) << ": hardware context " << c.id << " in partition 0x" << std::hex
                                  << partition_id << std::dec << ", " << num_tiles
                                  << " tiles, queue at 0x" << std::hex << queue
                                  << ", doorbell at BAR2+0x" << c.doorbell_offset << std::dec
                                  << ", MSI-X " << c.msix_vector << ", priority 0x" << std::hex
                                  << priority);
    std::vector<std::uint8_t> r(16, 0);
    put<std::uint32_t>(r, 4, c.id);
    put<std::uint32_t>(r, 8, c.doorbell_offset);
    put<std::uint32_t>(r, 12, c.msix_vector);
    return r;
}

MailboxReply Firmware::destroy_context(unsigned function, const MailboxRequest& request) {
    const auto id = get<std::uint32_t>(request.payload, 0);
    if (!contexts_.remove(function, id)) {
        AIE4SIM_LOG(warn, kLog,
                    vf_name(function)
                        << ": DESTROY_HW_CONTEXT of " << id << ", which is not its own: refused");
        return status_reply(mgmt::kError);
    }
    AIE4SIM_LOG(info, kLog, vf_name(function) << ": hardware context " << id << " destroyed");
    return status_reply(mgmt::kOk);
}

} // namespace aie4sim::models
