#include "models/command_processor.h"

#include "aie_tiles/format/control_code_format.h"
#include "common/hex.h"
#include "common/log.h"
#include "models/device_config.h"

#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "cmd";
constexpr std::size_t kMaxControlCode = 4u << 20;
constexpr std::size_t kMaxArguments = 256;
} // namespace

CommandProcessor::CommandProcessor(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
                                   tiles::AieArray& array, Firmware& firmware,
                                   const SchedulerConfig& scheduler)
    : sc_core::sc_module(name), endpoint_(endpoint), array_(array), firmware_(firmware),
      scheduler_(scheduler), runner_(array), arbiter_(array.geometry().columns) {
    const unsigned functions = endpoint_.total_vfs() + 1;
    contexts_.resize(functions);
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
    firmware_.set_context_listener(this);
}

CommandProcessor::~CommandProcessor() = default;

tlm_utils::simple_initiator_socket<CommandProcessor>& CommandProcessor::dma(unsigned vf) {
    return *dma_.at(vf);
}

std::string CommandProcessor::name_of(const Context& c) const {
    return "VF" + std::to_string(c.info.function) + " context " + std::to_string(c.info.id);
}

void CommandProcessor::context_created(const HwContext& context) {
    if (context.function == 0 || context.function >= contexts_.size()) {
        return;
    }
    auto c = std::make_shared<Context>();
    c->info = context;
    c->owner = next_owner_++;
    contexts_[context.function].push_back(c);
}

void CommandProcessor::context_destroyed(const HwContext& context) {
    if (context.function >= contexts_.size()) {
        return;
    }
    auto& list = contexts_[context.function];
    for (auto it = list.begin(); it != list.end(); ++it) {
        if ((*it)->info.id == context.id) {
            (*it)->destroyed = true; // a command it is running finishes, unreported
            list.erase(it);
            return;
        }
    }
}

void CommandProcessor::doorbell(unsigned function, std::uint32_t offset, std::uint32_t /*value*/) {
    if (function == 0 || function >= contexts_.size()) {
        return;
    }
    // Any write in the context's doorbell page rings it, as the firmware's log says.
    const std::uint32_t page = offset & ~(layout::kDoorbellStride - 1);
    for (auto& c : contexts_[function]) {
        if (c->info.doorbell_offset == page) {
            if (observer_ != nullptr) {
                observer_->doorbell(function, c->info.id);
            }
            c->kicked = true;
            work_[function]->notify(sc_core::SC_ZERO_TIME);
            return;
        }
    }
}

std::optional<ColumnRange> CommandProcessor::columns_of(const HwContext& context) const {
    const Partition* p = firmware_.partition(context.function, context.partition_id);
    if (p == nullptr) {
        return std::nullopt;
    }
    const ColumnRange slice =
        vf_columns(scheduler_, context.function, endpoint_.total_vfs(), array_.geometry().columns);
    return ColumnRange{slice.first + p->col_start, p->col_count};
}

bool CommandProcessor::dma(unsigned vf, bool write, std::uint64_t address, void* data,
                           std::size_t size) {
    tlm::tlm_generic_payload t;
    t.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    t.set_address(address);
    t.set_data_ptr(static_cast<unsigned char*>(data));
    t.set_data_length(static_cast<unsigned>(size));
    t.set_streaming_width(static_cast<unsigned>(size));
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    (*dma_[vf])->b_transport(t, delay);
    if (delay != sc_core::SC_ZERO_TIME) {
        wait(delay);
    }
    return !t.is_response_error();
}

std::shared_ptr<CommandProcessor::Context> CommandProcessor::next_ready(unsigned vf) {
    auto& list = contexts_[vf];
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::size_t at = (round_robin_[vf] + i) % list.size();
        if (list[at]->kicked && !list[at]->failed) {
            round_robin_[vf] = at + 1;
            return list[at];
        }
    }
    return nullptr;
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
        return false;
    }
    hq::Packet packet{};
    const std::uint64_t slot =
        header.data_address + (c.consumed & (capacity - 1)) * hq::kPacketSize;
    if (!dma(vf, false, slot, &packet, sizeof packet)) {
        fail_context(c, "cannot read the packet at " + common::hex(slot));
        return false;
    }
    if (observer_ != nullptr) {
        observer_->command_fetched(vf, c.info.id, c.consumed, header.write_index);
    }
    wait(scheduler_.dispatch);
    const Outcome outcome = execute(c, packet);
    if (c.destroyed) {
        return false;
    }
    complete(c, packet, outcome);
    return true;
}

CommandProcessor::Outcome CommandProcessor::execute(Context& c, const hq::Packet& packet) {
    const unsigned vf = c.info.function;
    Outcome out;
    out.start = out.end = sc_core::sc_time_stamp();
    auto refuse = [&](const std::string& why) {
        out.status = tiles::ControlCodeStatus::format_error;
        out.error = why;
        return out;
    };
    if (packet.opcode != hq::kExecBuf || packet.reserved != 0) {
        return refuse("packet opcode " + std::to_string(packet.opcode) + " is not EXEC_BUF");
    }
    if (packet.chain_flag != 0 || packet.distribute != 0 || packet.indirect != 0) {
        return refuse("chained, distributed and indirect packets are not supported");
    }
    if (packet.count < 24) {
        return refuse("EXEC_BUF payload of " + std::to_string(packet.count) + " bytes");
    }
    std::uint64_t code_address =
        (std::uint64_t{packet.control_code_addr_high} << 32) | packet.control_code_addr_low;
    std::uint32_t declared = 0;
    if (code_address == 0 && packet.completion_signal != 0) {
        // The START_DPU form: the command BO names the instruction buffer.
        std::uint32_t word = 0;
        hq::StartDpu dpu{};
        if (!dma(vf, false, packet.completion_signal, &word, 4) ||
            !dma(vf, false, packet.completion_signal + 4, &dpu, sizeof dpu)) {
            return refuse("cannot read the command buffer");
        }
        if (((word >> hq::kOpcodeShift) & hq::kOpcodeMask) != hq::kStartDpu) {
            return refuse("no control code address, and the command is not START_DPU");
        }
        code_address = dpu.instruction_buffer;
        declared = dpu.instruction_size;
    }
    if (code_address == 0) {
        return refuse("no control code");
    }
    std::uint8_t head[tiles::cc::kHeaderBytes] = {};
    if (!dma(vf, false, code_address, head, sizeof head)) {
        return refuse("cannot read the control code at " + common::hex(code_address));
    }
    std::uint32_t size = 0;
    std::memcpy(&size, head + 12, 4);
    if (size < tiles::cc::kHeaderBytes || size > kMaxControlCode ||
        (declared != 0 && size > declared)) {
        return refuse("control code of " + std::to_string(size) + " bytes");
    }
    std::vector<std::uint8_t> code(size);
    std::memcpy(code.data(), head, sizeof head);
    if (size > sizeof head && !dma(vf, false, code_address + sizeof head, code.data() + sizeof head,
                                   size - sizeof head)) {
        return refuse("cannot read the control code");
    }
    const std::size_t arguments = packet.args_len / 8;
    if (packet.args_len % 8 != 0 || arguments > kMaxArguments) {
        return refuse("argument list of " + std::to_string(packet.args_len) + " bytes");
    }
    std::vector<std::uint64_t> args(arguments);
    const std::uint64_t args_address =
        (std::uint64_t{packet.args_addr_high} << 32) | packet.args_addr_low;
    if (arguments != 0 && !dma(vf, false, args_address, args.data(), arguments * 8)) {
        return refuse("cannot read the arguments");
    }
    const auto columns = columns_of(c.info);
    if (!columns) {
        return refuse("the context's partition is gone");
    }
    // Wait for the columns; a new owner finds them cleared (nothing of the last one leaks).
    if (observer_ != nullptr) {
        observer_->command_phase(vf, c.info.id, "columns");
    }
    const bool switched = arbiter_.acquire(columns->first, columns->count, c.owner);
    if (observer_ != nullptr) {
        observer_->columns_granted(columns->first, columns->count, vf, c.info.id, switched);
    }
    if (switched) {
        wait(scheduler_.context_switch);
        array_.reset_columns(columns->first, columns->count);
    }
    for (unsigned col = columns->first; col < columns->first + columns->count; ++col) {
        array_.set_column_owner(col, vf);
    }
    out.start = sc_core::sc_time_stamp();
    if (observer_ != nullptr) {
        observer_->command_phase(vf, c.info.id, "run");
    }
    const tiles::ControlCodeResult r = runner_.run(code, args, columns->first, columns->count);
    out.end = sc_core::sc_time_stamp();
    arbiter_.release(columns->first, columns->count);
    if (observer_ != nullptr) {
        observer_->columns_released(columns->first, columns->count);
    }
    out.status = r.status;
    out.error = r.error;
    out.cycles = r.cycles;
    return out;
}

void CommandProcessor::complete(Context& c, const hq::Packet& packet, const Outcome& outcome) {
    const unsigned vf = c.info.function;
    const bool ok = outcome.status == tiles::ControlCodeStatus::ok;
    if (packet.completion_signal != 0) {
        std::uint32_t word = 0;
        if (dma(vf, false, packet.completion_signal, &word, 4)) {
            word = (word & ~hq::kStateMask) | (ok ? hq::kStateCompleted : hq::kStateError);
            dma(vf, true, packet.completion_signal, &word, 4);
        }
    }
    const std::uint64_t trace =
        (std::uint64_t{packet.dtrace_buf_addr_high} << 32) | packet.dtrace_buf_addr_low;
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
    std::uint64_t read_index = c.consumed;
    dma(vf, true, c.info.host_queue, &read_index, 8);
    VfStatistics& s = stats_[vf];
    if (s.commands + s.errors == 0) {
        s.first_start = outcome.start;
    }
    (ok ? s.commands : s.errors) += 1;
    s.array_cycles += outcome.cycles;
    s.busy += outcome.end - outcome.start;
    s.last_end = outcome.end;
    if (ok) {
        AIE4SIM_LOG(info, kLog,
                    name_of(c) << ": command " << index << " completed in "
                               << (outcome.end - outcome.start) << " (" << outcome.cycles
                               << " array cycles)");
    } else {
        AIE4SIM_LOG(warn, kLog,
                    name_of(c) << ": command " << index << " failed ("
                               << tiles::control_code_status_name(outcome.status)
                               << "): " << outcome.error);
    }
    if (observer_ != nullptr) {
        observer_->command_done(vf, c.info.id, index, ok,
                                tiles::control_code_status_name(outcome.status), outcome.cycles);
    }
    endpoint_.vf(vf).signal_msix(c.info.msix_vector);
}

} // namespace aie4sim::models
