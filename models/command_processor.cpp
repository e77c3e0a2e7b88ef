#include "models/command_processor.h"

#include "common/hex.h"
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "models/device_config.h"
#include "models/queue/ert_command.h"

#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "cmd";
// Argument words a uC command may carry (APPLY_OFFSET_57 reads them).
constexpr std::uint32_t kMaxArgumentBytes = 4096;
} // namespace

CommandProcessor::CommandProcessor(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
                                   tiles::AieArray& array, Firmware& firmware,
                                   ContextRegistry& contexts, const SchedulerConfig& scheduler,
                                   const ColumnPlan& columns)
    : sc_core::sc_module(name), endpoint_(endpoint), array_(array), firmware_(firmware),
      scheduler_(scheduler), columns_(columns), cert_(array), arbiter_(array.geometry().columns),
      contexts_(contexts) {
    const unsigned functions = endpoint_.total_vfs() + 1;
    round_robin_.resize(functions, 0);
    stats_.resize(functions);
    for (unsigned f = 0; f < functions; ++f) {
        dma_.push_back(std::make_unique<tlm_utils::simple_initiator_socket<CommandProcessor>>(
            ("dma" + std::to_string(f)).c_str()));
        work_.push_back(std::make_unique<sc_core::sc_event>());
    }
    for (unsigned vf = 1; vf < functions; ++vf) {
        sc_core::sc_spawn([this, vf] { engine(vf); }, ("engine_vf" + std::to_string(vf)).c_str());
    }
    contexts_.set_listener(this);
}

CommandProcessor::~CommandProcessor() = default;

tlm_utils::simple_initiator_socket<CommandProcessor>& CommandProcessor::dma(unsigned vf) {
    return *dma_.at(vf);
}

std::string CommandProcessor::name_of(const Context& c) const {
    return "VF" + std::to_string(c.info.function) + " context " + std::to_string(c.info.id);
}

void CommandProcessor::context_removed(ContextRecord& context) {
    context.stop.request(); // a command it is running stops, unreported
    if (context.holding && !context.running) {
        release_columns(context); // held between commands: nobody else would free them
    }
}

void CommandProcessor::doorbell(unsigned function, std::uint32_t offset, std::uint32_t value) {
    // Any write in a context's doorbell page rings it.
    const std::uint32_t page = offset & ~(layout::kDoorbellStride - 1);
    const ContextRegistry::Record rung =
        function != 0 ? contexts_.by_doorbell(function, page) : nullptr;
    AIE4SIM_LOG(info, "doorbell",
                (function == 0 ? std::string("PF") : "VF" + std::to_string(function))
                    << " doorbell at BAR2+0x" << std::hex << offset << std::dec << " rung with "
                    << value
                    << (rung != nullptr ? " (context " + std::to_string(rung->info.id) + ")"
                                        : std::string(" (no context owns it)")));
    if (rung == nullptr) {
        return;
    }
    if (observer_ != nullptr) {
        observer_->doorbell(function, rung->info.id);
    }
    rung->kicked = true;
    work_[function]->notify(sc_core::SC_ZERO_TIME);
}

std::optional<ColumnRange> CommandProcessor::columns_of(const HwContext& context) const {
    const Partition* p = firmware_.partition(context.function, context.partition_id);
    if (p == nullptr) {
        return std::nullopt;
    }
    const ColumnRange slice = columns_.of(context.function);
    return ColumnRange{slice.first + p->col_start, p->col_count};
}

bool CommandProcessor::dma(unsigned vf, bool write, std::uint64_t address, void* data,
                           std::size_t size) {
    return tlm_util::Transaction(write, address, data, size).send_and_wait(*dma_[vf]);
}

std::shared_ptr<CommandProcessor::Context> CommandProcessor::next_ready(unsigned vf) {
    const auto& list = contexts_.of(vf);
    // A context inside its time slice goes on until the slice ends.
    for (const auto& c : list) {
        if (c->holding && !c->failed) {
            return c;
        }
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::size_t at = (round_robin_[vf] + i) % list.size();
        if (list[at]->kicked && !list[at]->failed) {
            round_robin_[vf] = at + 1;
            return list[at];
        }
    }
    return nullptr;
}

bool CommandProcessor::keeps_columns(const Context& c) const {
    // c.write_index was read before this command, which is command c.consumed: keep the
    // columns only if another command was already queued behind it.
    return scheduler_.time_slice > sc_core::SC_ZERO_TIME && !c.destroyed && !c.failed &&
           !c.aborting && c.write_index > c.consumed + 1 &&
           sc_core::sc_time_stamp() - c.slice_start < scheduler_.time_slice;
}

void CommandProcessor::release_columns(Context& c) {
    c.holding = false;
    arbiter_.release(c.held.first, c.held.count);
    if (observer_ != nullptr) {
        observer_->columns_released(c.held.first, c.held.count);
    }
}

void CommandProcessor::fail_context(Context& c, const std::string& why) {
    c.failed = true;
    c.kicked = false;
    AIE4SIM_LOG(error, kLog,
                name_of(c) << ": " << why << "; the context takes no more commands (destroy it)");
}

void CommandProcessor::engine(unsigned vf) {
    for (;;) {
        std::shared_ptr<Context> c = next_ready(vf);
        if (!c) {
            wait(*work_[vf]);
            continue;
        }
        // One command per turn, so the VF's contexts take turns too.
        if (!serve_one(*c)) {
            c->kicked = false;
            if (c->holding) {
                release_columns(*c); // its queue ran dry or broke: the slice ends here
            }
        }
    }
}

bool CommandProcessor::serve_one(Context& c) {
    const unsigned vf = c.info.function;
    hq::Header header{};
    if (!dma(vf, false, c.info.host_queue, &header, sizeof header)) {
        fail_context(c, "cannot read the queue header at " + common::hex(c.info.host_queue));
        return false;
    }
    if (header.major != 1) {
        fail_context(c, "queue version " + std::to_string(header.major) + "." +
                            std::to_string(header.minor) + ": the device reads queue 1.0");
        return false;
    }
    const std::uint32_t capacity = header.capacity;
    if (capacity == 0 || (capacity & (capacity - 1)) != 0 || capacity > hq::kMaxCapacity) {
        fail_context(c, "queue capacity " + std::to_string(capacity) +
                            " is not a power of two up to " + std::to_string(hq::kMaxCapacity));
        return false;
    }
    if (header.write_index < c.consumed || header.write_index - c.consumed > capacity) {
        fail_context(c, "write_index " + std::to_string(header.write_index) +
                            " is not within the queue (read_index " + std::to_string(c.consumed) +
                            ")");
        return false;
    }
    if (header.write_index == c.consumed) {
        if (header.kernel_write_index > c.mirrored && !c.warned_layout) {
            // User space wrote the old 32-byte header (write_index at +16).
            c.warned_layout = true;
            AIE4SIM_LOG(warn, kLog,
                        name_of(c) << ": the queue's write_index (+64) is " << header.write_index
                                   << " but +16 holds " << header.kernel_write_index
                                   << ": a 32-byte queue header? The device reads XRT's queue 1.0 "
                                      "(128 bytes, write_index at +64, data_address at +120)");
        }
        return false;
    }
    c.write_index = header.write_index;
    hq::Packet packet{};
    const std::uint64_t slot =
        header.data_address + (c.consumed & (capacity - 1)) * hq::kPacketSize;
    if (!dma(vf, false, slot, &packet, sizeof packet)) {
        fail_context(c, "cannot read the packet at " + common::hex(slot));
        return false;
    }
    AIE4SIM_LOG(debug, kLog,
                name_of(c) << ": command " << c.consumed << ": " << hq::describe_packet(packet));
    if (observer_ != nullptr) {
        observer_->command_fetched(vf, c.info.id, c.consumed, header.write_index);
    }
    wait(scheduler_.dispatch);
    const hq::DecodeResult decoded =
        hq::decode_packet(packet, [this, vf](std::uint64_t a, void* d, std::size_t n) {
            return dma(vf, false, a, d, n);
        });
    Outcome outcome;
    if (c.holding && (c.aborting || !decoded.ok)) {
        release_columns(c); // a command that does not run ends the slice
    }
    if (c.aborting) {
        outcome.start = outcome.end = sc_core::sc_time_stamp();
        outcome.status = tiles::cert::Status::aborted;
        outcome.state = hq::kStateAbort;
        outcome.error = "an earlier command of its runlist failed";
    } else if (!decoded.ok) {
        outcome.start = outcome.end = sc_core::sc_time_stamp();
        outcome.status = tiles::cert::Status::format_error;
        outcome.state = hq::kStateError;
        outcome.error = decoded.error;
    } else {
        outcome = execute(c, decoded.command);
    }
    if (c.destroyed) {
        return false;
    }
    complete(c, decoded.command, outcome);
    // A runlist (ERT_CMD_CHAIN) is submitted as packets with chain_flag set on all but the
    // last: once one fails, the rest of it is aborted without running.
    if (!decoded.command.not_last) {
        c.aborting = false;
    } else if (outcome.state != hq::kStateCompleted) {
        c.aborting = true;
    }
    return true;
}

CommandProcessor::Outcome CommandProcessor::execute(Context& c, const hq::Command& command) {
    const unsigned vf = c.info.function;
    Outcome out;
    out.start = out.end = sc_core::sc_time_stamp();
    out.state = hq::kStateError;
    auto refuse = [&](tiles::cert::Status status, const std::string& why) {
        out.status = status;
        out.error = why;
        return out;
    };
    const auto columns = columns_of(c.info);
    if (!columns) {
        return refuse(tiles::cert::Status::format_error, "the context's partition is gone");
    }
    std::vector<tiles::cert::UcTask> tasks;
    for (const hq::UcCommand& uc : command.ucs) {
        const std::string which = "uC " + std::to_string(uc.uc_index);
        if (uc.uc_index >= columns->count) {
            return refuse(tiles::cert::Status::address_error,
                          which + ": the context's partition has " +
                              std::to_string(columns->count) + " column(s), one uC each");
        }
        if (uc.args_len % 4 != 0 || uc.args_len > kMaxArgumentBytes) {
            return refuse(tiles::cert::Status::format_error,
                          which + ": argument list of " + std::to_string(uc.args_len) +
                              " bytes (32-bit words, at most " + std::to_string(kMaxArgumentBytes) +
                              " bytes)");
        }
        tiles::cert::UcTask t;
        t.column = uc.uc_index;
        t.control_code = uc.control_code;
        t.args.resize(uc.args_len / 4);
        if (!t.args.empty() && !dma(vf, false, uc.args, t.args.data(), uc.args_len)) {
            return refuse(tiles::cert::Status::format_error,
                          which + ": cannot read the argument list at " + common::hex(uc.args));
        }
        tasks.push_back(std::move(t));
    }
    // Wait for the columns, unless the context still holds them from its last command (its
    // time slice); a new owner finds them cleared (nothing of the last one leaks).
    if (!c.holding) {
        if (observer_ != nullptr) {
            observer_->command_phase(vf, c.info.id, "columns");
        }
        const bool switched = arbiter_.acquire(columns->first, columns->count, c.owner);
        c.holding = true;
        c.held = *columns;
        c.slice_start = sc_core::sc_time_stamp();
        if (observer_ != nullptr) {
            observer_->columns_granted(columns->first, columns->count, vf, c.info.id, switched);
        }
        if (switched) {
            wait(scheduler_.context_switch);
            array_.reset_columns(columns->first, columns->count);
        }
    }
    for (unsigned col = columns->first; col < columns->first + columns->count; ++col) {
        array_.set_column_owner(col, vf);
    }
    out.start = sc_core::sc_time_stamp();
    if (observer_ != nullptr) {
        observer_->command_phase(vf, c.info.id, "run");
    }
    tiles::cert::RunOptions options;
    options.wait_timeout = scheduler_.wait_timeout;
    options.stop = &c.stop;
    c.running = true;
    const tiles::cert::RunResult r = cert_.run(
        tasks, columns->first, columns->count,
        [this, vf](std::uint64_t a, void* d, std::size_t n) { return dma(vf, false, a, d, n); },
        options);
    c.running = false;
    out.end = sc_core::sc_time_stamp();
    if (!r.ok() || !keeps_columns(c)) {
        release_columns(c);
    }
    out.status = r.status;
    out.state = r.ok() ? hq::kStateCompleted : hq::kStateError;
    out.error = r.error;
    out.cycles = r.cycles;
    return out;
}

void CommandProcessor::complete(Context& c, const hq::Command& command, const Outcome& outcome) {
    const unsigned vf = c.info.function;
    if (command.completion_signal != 0) {
        std::uint32_t word = 0;
        if (dma(vf, false, command.completion_signal, &word, 4)) {
            word = hq::with_state(word, outcome.state);
            dma(vf, true, command.completion_signal, &word, 4);
        }
    }
    const std::uint64_t trace = command.ucs.empty() ? 0 : command.ucs.front().dtrace;
    if (trace != 0) {
        hq::TraceRecord record{};
        record.magic = hq::kTraceMagic;
        record.status = static_cast<std::uint32_t>(outcome.status);
        record.start_ns = static_cast<std::uint64_t>(outcome.start.to_seconds() * 1e9);
        record.end_ns = static_cast<std::uint64_t>(outcome.end.to_seconds() * 1e9);
        record.cycles = outcome.cycles;
        dma(vf, true, trace, &record, sizeof record);
    }
    const std::uint64_t index = c.consumed;
    ++c.consumed;
    // The 7.3.4 kernel's WAIT_CMD reads write_index at +16 (its 32-byte header) and needs it
    // >= read_index: mirror the queue's write_index there before publishing read_index.
    std::uint64_t mirror = c.write_index;
    dma(vf, true, c.info.host_queue + hq::kKernelWriteIndexOffset, &mirror, 8);
    c.mirrored = mirror;
    std::uint64_t read_index = c.consumed;
    dma(vf, true, c.info.host_queue, &read_index, 8);
    VfStatistics& s = stats_[vf];
    if (s.commands + s.errors == 0) {
        s.first_start = outcome.start;
    }
    const bool ok = outcome.state == hq::kStateCompleted;
    (ok ? s.commands : s.errors) += 1;
    s.array_cycles += outcome.cycles;
    s.busy += outcome.end - outcome.start;
    s.last_end = outcome.end;
    if (ok) {
        AIE4SIM_LOG(info, kLog,
                    name_of(c) << ": command " << index << " completed in "
                               << (outcome.end - outcome.start) << " (" << outcome.cycles
                               << " array cycles)");
    } else if (outcome.state == hq::kStateAbort) {
        AIE4SIM_LOG(warn, kLog,
                    name_of(c) << ": command " << index << " aborted: " << outcome.error);
    } else {
        AIE4SIM_LOG(warn, kLog,
                    name_of(c) << ": command " << index << " failed ("
                               << tiles::cert::status_name(outcome.status)
                               << "): " << outcome.error);
    }
    if (observer_ != nullptr) {
        observer_->command_done(vf, c.info.id, index, ok, tiles::cert::status_name(outcome.status),
                                outcome.cycles);
    }
    endpoint_.vf(vf).signal_msix(c.info.msix_vector);
}

} // namespace aie4sim::models
