#include "aie_tiles/workload/tile_program.h"

#include "aie_tiles/format/cert_isa.h"
#include "aie_tiles/workload/workload.h"

#include <algorithm>

namespace aie4sim::tiles::workload {

TileProgram::TileProgram(const Geometry& partition) : geometry_(partition) {
    for (unsigned c = 0; c < geometry_.columns; ++c) {
        ucs_.emplace_back(c);
    }
}

std::string TileProgram::finish(unsigned partition_columns) {
    return assemble_text(ucs_, partition_columns != 0 ? partition_columns : columns_used());
}

unsigned TileProgram::columns_used() const {
    unsigned used = 0;
    for (unsigned c = 0; c < ucs_.size(); ++c) {
        if (!ucs_[c].empty()) {
            used = c + 1;
        }
    }
    return used;
}

std::uint32_t TileProgram::address(unsigned col, unsigned row, std::uint32_t offset) const {
    return static_cast<std::uint32_t>(geometry_.tile_address(col, row, offset));
}

void TileProgram::write(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t value) {
    uc(col).write32(address(col, row, offset), value);
}

void TileProgram::block(unsigned col, unsigned row, std::uint32_t offset,
                        const std::vector<std::uint32_t>& words) {
    uc(col).block(address(col, row, offset), words);
}

void TileProgram::poll(unsigned col, unsigned row, std::uint32_t offset, std::uint32_t mask,
                       std::uint32_t expected) {
    uc(col).mask_poll(address(col, row, offset), mask, expected);
}

void TileProgram::set_lock(unsigned col, unsigned row, unsigned id, int value) {
    const TileKind kind = geometry_.kind(row);
    write(col, row, regs::register_base(kind) + regs::kLockValue + id * regs::kLockValueStride,
          static_cast<std::uint32_t>(value));
}

void TileProgram::reset_channel(unsigned col, unsigned row, DmaDir dir, unsigned channel) {
    write(col, row, regs::channel_offset(geometry_.kind(row), dir, channel, regs::kChannelCtrl),
          regs::kChannelCtrlReset);
}

void TileProgram::bd(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned id,
                     const BufferDescriptor& descriptor) {
    if (const char* problem = check_encodable(descriptor)) {
        throw BuildError(std::string("BD does not fit its fields: ") + problem);
    }
    const auto words = encode_bd(descriptor);
    block(col, row, regs::bd_offset(geometry_.kind(row), dir, channel, id),
          std::vector<std::uint32_t>(words.begin(), words.end()));
}

void TileProgram::host_bd(unsigned col, DmaDir dir, unsigned channel, unsigned id,
                          BufferDescriptor descriptor, unsigned argument, std::uint64_t offset) {
    descriptor.address = offset;
    if (const char* problem = check_encodable(descriptor)) {
        throw BuildError(std::string("BD does not fit its fields: ") + problem);
    }
    const auto words = encode_bd(descriptor);
    uc(col).host_block(address(col, 0, regs::bd_offset(TileKind::shim, dir, channel, id)),
                       std::vector<std::uint32_t>(words.begin(), words.end()), argument);
}

void TileProgram::push(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned bd,
                       unsigned executions, bool token) {
    write(col, row,
          regs::channel_offset(geometry_.kind(row), dir, channel, regs::kChannelStartQueue),
          regs::start_queue(bd, executions, token));
}

void TileProgram::chain(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned first,
                        std::vector<BufferDescriptor> bds) {
    if (bds.empty()) {
        return;
    }
    for (std::size_t i = 0; i < bds.size(); ++i) {
        const auto id = first + static_cast<unsigned>(i);
        bds[i].use_next = i + 1 < bds.size();
        bds[i].next_bd = bds[i].use_next ? id + 1 : 0;
        bd(col, row, dir, channel, id, bds[i]);
    }
    push(col, row, dir, channel, first, 1, false);
}

void TileProgram::push_many(unsigned col, unsigned row, DmaDir dir, unsigned channel, unsigned bd,
                            std::uint64_t executions) {
    const std::uint64_t tasks = (executions + kMaxRepeat - 1) / kMaxRepeat;
    if (tasks > kTaskQueueDepth) {
        throw BuildError("workload needs " + std::to_string(executions) +
                         " executions of one BD chain: more than " +
                         std::to_string(kTaskQueueDepth) + " tasks of " +
                         std::to_string(kMaxRepeat));
    }
    while (executions > 0) {
        const auto n = static_cast<unsigned>(std::min<std::uint64_t>(executions, kMaxRepeat));
        push(col, row, dir, channel, bd, n, false);
        executions -= n;
    }
}

void TileProgram::wait_tokens(unsigned col, unsigned row, DmaDir dir, unsigned channel,
                              unsigned count) {
    if (!cert::channel_actor(geometry_.kind(row), dir, channel)) {
        throw BuildError("tile (" + std::to_string(col) + "," + std::to_string(row) + ") has no " +
                         dma_dir_name(dir) + std::to_string(channel) + " channel to wait on");
    }
    uc(col).wait_tcts(col, row, cert::actor_name(geometry_.kind(row), dir, channel), count);
}

void TileProgram::clear_masters(unsigned col, unsigned row) {
    const TileKind kind = geometry_.kind(row);
    block(col, row, regs::register_base(kind) + regs::kSwitchMaster,
          std::vector<std::uint32_t>(master_port_count(kind), 0));
}

void TileProgram::connect(unsigned col, unsigned row, PortRef slave, PortRef master) {
    const TileKind kind = geometry_.kind(row);
    const auto s = slave_port(kind, slave.kind, slave.index);
    const auto m = master_port(kind, master.kind, master.index);
    if (!s || !m) {
        throw BuildError("tile (" + std::to_string(col) + "," + std::to_string(row) +
                         ") has no port " + describe_port(s ? master : slave));
    }
    const std::uint32_t base = regs::register_base(kind);
    write(col, row, base + regs::kSwitchSlave + 4 * *s, regs::kSwitchEnable);
    write(col, row, base + regs::kSwitchMaster + 4 * *m, regs::switch_master_circuit(*s));
}

} // namespace aie4sim::tiles::workload
