#include "trace/device_timeline.h"

#include "aie_tiles/kernels/kernel_api.h"
#include "models/aie4_device.h"

#include <cmath>
#include <systemc>

namespace aie4sim::trace {

namespace {

boost::json::string_view js(std::string_view s) {
    return {s.data(), s.size()};
}

double micros(std::uint64_t ps) {
    return static_cast<double>(ps) / 1e6;
}

std::string kernel_label(std::uint32_t kernel) {
    const std::string_view name =
        tiles::kernels::kernel_name(static_cast<tiles::kernels::KernelId>(kernel));
    return name.empty() ? "kernel " + std::to_string(kernel) : std::string(name);
}

} // namespace

DeviceTimeline::DeviceTimeline(models::Aie4Device& device, TraceEventWriter& writer)
    : device_(device), writer_(writer), alive_(std::make_shared<bool>(true)),
      contexts_pid_(writer.process("VF contexts")), columns_pid_(writer.process("Array columns")),
      dma_pid_(writer.process("DMA channels")), cores_pid_(writer.process("Cores")),
      firmware_pid_(writer.process("Firmware")), irq_pid_(writer.process("Interrupts")) {
    sriov::Endpoint& endpoint = device_.endpoint();
    device_.commands().set_observer(this);
    device_.array().context().set_observer(this);
    for (unsigned f = 0; f <= endpoint.total_vfs(); ++f) {
        pcie::Function& function = f == 0 ? endpoint.pf() : endpoint.vf(f);
        function.set_interrupt_observer(this);
        device_.mailbox(f).set_observer(this);
        std::weak_ptr<bool> alive = alive_;
        function.on_reset([this, alive, f](pcie::ResetKind kind) {
            if (!alive.expired()) {
                flr(f, static_cast<int>(kind));
            }
        });
    }
}

DeviceTimeline::~DeviceTimeline() {
    sriov::Endpoint& endpoint = device_.endpoint();
    device_.commands().set_observer(nullptr);
    device_.array().context().set_observer(nullptr);
    for (unsigned f = 0; f <= endpoint.total_vfs(); ++f) {
        (f == 0 ? endpoint.pf() : endpoint.vf(f)).set_interrupt_observer(nullptr);
        device_.mailbox(f).set_observer(nullptr);
    }
    alive_.reset();
}

void DeviceTimeline::finish() {
    writer_.finish(now_ps());
}

std::uint64_t DeviceTimeline::now_ps() {
    static const double ps_per_unit = sc_core::sc_get_time_resolution().to_seconds() * 1e12;
    return static_cast<std::uint64_t>(
        std::llround(static_cast<double>(sc_core::sc_time_stamp().value()) * ps_per_unit));
}

std::string DeviceTimeline::function_name(unsigned function) {
    return function == 0 ? "PF" : "VF" + std::to_string(function);
}

DeviceTimeline::Context& DeviceTimeline::context(unsigned function, std::uint32_t id) {
    auto [it, added] = contexts_.try_emplace({function, id});
    if (added) {
        it->second.track = writer_.thread(contexts_pid_, function_name(function) + " context " +
                                                             std::to_string(id));
    }
    return it->second;
}

Track DeviceTimeline::column_track(unsigned col) {
    auto [it, added] = columns_.try_emplace(col);
    if (added) {
        it->second = writer_.thread(columns_pid_, "column " + std::to_string(col));
    }
    return it->second;
}

Track DeviceTimeline::channel_track(unsigned col, unsigned row, tiles::DmaDir dir, unsigned channel,
                                    tiles::TileKind kind) {
    auto [it, added] = channels_.try_emplace({col, row, static_cast<int>(dir), channel});
    if (added) {
        it->second =
            writer_.thread(dma_pid_, std::string(tiles::tile_kind_name(kind)) + " (" +
                                         std::to_string(col) + "," + std::to_string(row) + ") " +
                                         tiles::dma_dir_name(dir) + std::to_string(channel));
    }
    return it->second;
}

Track DeviceTimeline::core_track(unsigned col, unsigned row) {
    auto [it, added] = cores_.try_emplace({col, row});
    if (added) {
        it->second = writer_.thread(cores_pid_, "core (" + std::to_string(col) + "," +
                                                    std::to_string(row) + ")");
    }
    return it->second;
}

Track DeviceTimeline::function_track(std::map<unsigned, Track>& tracks, std::uint32_t pid,
                                     unsigned function, const char* what) {
    auto [it, added] = tracks.try_emplace(function);
    if (added) {
        it->second = writer_.thread(pid, function_name(function) + " " + what);
    }
    return it->second;
}

// --- command processor -------------------------------------------------------------------

void DeviceTimeline::doorbell(unsigned function, std::uint32_t id) {
    Context& c = context(function, id);
    const std::uint64_t now = now_ps();
    if (!c.pending) {
        c.pending = true;
        c.pending_since_ps = now;
    }
    writer_.instant(c.track, "doorbell", "command", now);
}

void DeviceTimeline::command_fetched(unsigned function, std::uint32_t id, std::uint64_t index,
                                     std::uint64_t write_index) {
    Context& c = context(function, id);
    const std::uint64_t now = now_ps();
    if (c.in_command) { // its context went away mid-command: no completion will come
        writer_.end_all(c.track, now, {{"abandoned", true}});
    }
    const std::uint64_t queued = c.pending ? c.pending_since_ps : now;
    writer_.begin(c.track, "command " + std::to_string(index), "command", now,
                  {{"function", function},
                   {"context", id},
                   {"index", index},
                   {"write_index", write_index},
                   {"queued_at_us", micros(queued)},
                   {"queue_delay_us", micros(now - queued)}});
    writer_.begin(c.track, "dispatch", "command", now);
    c.in_command = true;
    c.write_index = write_index;
    // The doorbell is answered once the queue holds no more than this command; a later
    // doorbell starts the next wait.
    c.pending = write_index > index + 1;
    c.pending_since_ps = c.pending ? now : 0;
    writer_.counter(contexts_pid_,
                    function_name(function) + " context " + std::to_string(id) + " queue", now,
                    {{"commands", write_index - index}});
}

void DeviceTimeline::command_phase(unsigned function, std::uint32_t id, std::string_view phase) {
    Context& c = context(function, id);
    if (!c.in_command) {
        return;
    }
    const std::uint64_t now = now_ps();
    writer_.end(c.track, now);
    writer_.begin(c.track, phase, "command", now);
    if (phase == "run") {
        for (unsigned col : c.columns) { // the columns are clear now
            const Track t = column_track(col);
            if (writer_.innermost(t) == "context switch") {
                writer_.end(t, now);
            }
        }
    }
}

void DeviceTimeline::command_done(unsigned function, std::uint32_t id, std::uint64_t index, bool ok,
                                  std::string_view status, std::uint64_t cycles) {
    Context& c = context(function, id);
    if (!c.in_command) {
        return;
    }
    const std::uint64_t now = now_ps();
    writer_.end(c.track, now); // the phase
    writer_.end(c.track, now, {{"ok", ok}, {"status", js(status)}, {"cycles", cycles}});
    c.in_command = false;
    c.columns.clear();
    writer_.counter(contexts_pid_,
                    function_name(function) + " context " + std::to_string(id) + " queue", now,
                    {{"commands", c.write_index > index ? c.write_index - index - 1 : 0}});
}

void DeviceTimeline::columns_granted(unsigned first, unsigned count, unsigned function,
                                     std::uint32_t id, bool switched) {
    Context& c = context(function, id);
    const std::uint64_t now = now_ps();
    const std::string holder = function_name(function) + " context " + std::to_string(id);
    c.columns.clear();
    for (unsigned col = first; col < first + count; ++col) {
        const Track t = column_track(col);
        writer_.end_all(t, now, {{"abandoned", true}});
        writer_.begin(
            t, holder, "column", now,
            {{"function", function}, {"context", id}, {"first_column", first}, {"columns", count}});
        if (switched) {
            writer_.begin(t, "context switch", "column", now);
        }
        writer_.counter(columns_pid_, "column " + std::to_string(col) + " owner", now,
                        {{"function", function}});
        c.columns.push_back(col);
    }
    if (switched && c.in_command) {
        writer_.end(c.track, now);
        writer_.begin(c.track, "context switch", "command", now);
    }
}

void DeviceTimeline::columns_released(unsigned first, unsigned count) {
    const std::uint64_t now = now_ps();
    for (unsigned col = first; col < first + count; ++col) {
        writer_.end_all(column_track(col), now);
    }
}

// --- firmware ------------------------------------------------------------------------------

void DeviceTimeline::message_begin(unsigned function, std::uint32_t opcode, std::string_view name) {
    const Track t = function_track(mailboxes_, firmware_pid_, function, "mailbox");
    writer_.end_all(t, now_ps(), {{"unanswered", true}});
    writer_.begin(t, name, "mailbox", now_ps(), {{"opcode", opcode}});
}

void DeviceTimeline::message_end(unsigned function, bool replied, std::uint32_t status) {
    const Track t = function_track(mailboxes_, firmware_pid_, function, "mailbox");
    writer_.end(t, now_ps(), {{"replied", replied}, {"status", status}});
}

void DeviceTimeline::mailbox_published(unsigned function) {
    const Track t = function_track(resets_, firmware_pid_, function, "resets");
    const std::uint64_t now = now_ps();
    if (writer_.innermost(t) == "function level reset") {
        writer_.end(t, now, {{"recovered", true}});
    }
    writer_.instant(t, "mailbox published", "firmware", now);
}

void DeviceTimeline::flr(unsigned function, int kind) {
    const Track t = function_track(resets_, firmware_pid_, function, "resets");
    const std::uint64_t now = now_ps();
    const auto k = static_cast<pcie::ResetKind>(kind);
    if (k == pcie::ResetKind::function_level) {
        writer_.end_all(t, now, {{"recovered", false}});
        writer_.begin(t, "function level reset", "reset", now);
    } else {
        writer_.instant(t, k == pcie::ResetKind::cold ? "cold reset" : "VF disabled", "reset", now);
    }
}

// --- tile array ----------------------------------------------------------------------------

void DeviceTimeline::dma_task_begin(unsigned col, unsigned row, tiles::TileKind kind,
                                    tiles::DmaDir dir, unsigned channel, unsigned bd,
                                    unsigned executions) {
    writer_.begin(channel_track(col, row, dir, channel, kind), "BD " + std::to_string(bd), "dma",
                  now_ps(), {{"start_bd", bd}, {"executions", executions}});
}

void DeviceTimeline::dma_task_end(unsigned col, unsigned row, tiles::DmaDir dir, unsigned channel,
                                  std::uint64_t bytes, TaskEnd how) {
    auto it = channels_.find({col, row, static_cast<int>(dir), channel});
    if (it == channels_.end()) {
        return;
    }
    writer_.end(it->second, now_ps(),
                {{"bytes", bytes},
                 {"end", how == TaskEnd::done      ? "done"
                         : how == TaskEnd::aborted ? "aborted"
                                                   : "halted"}});
}

void DeviceTimeline::core_begin(unsigned col, unsigned row, std::uint32_t kernel,
                                std::uint32_t inner, std::uint32_t outer) {
    writer_.begin(core_track(col, row), "program " + kernel_label(kernel), "core", now_ps(),
                  {{"kernel", kernel}, {"inner", inner}, {"outer", outer}});
}

void DeviceTimeline::core_end(unsigned col, unsigned row, bool ok) {
    writer_.end_all(core_track(col, row), now_ps(), {{"ok", ok}});
}

void DeviceTimeline::kernel_begin(unsigned col, unsigned row, std::uint32_t kernel,
                                  std::uint64_t cycles) {
    writer_.begin(core_track(col, row), kernel_label(kernel), "kernel", now_ps(),
                  {{"cycles", cycles}});
}

void DeviceTimeline::kernel_end(unsigned col, unsigned row, bool ok) {
    const Track t = core_track(col, row);
    if (writer_.open_slices(t) >= 2) { // the kernel run inside its program
        writer_.end(t, now_ps(), ok ? boost::json::object{} : boost::json::object{{"ok", false}});
    }
}

// --- interrupts ------------------------------------------------------------------------------

void DeviceTimeline::msix(unsigned function, unsigned vector, Msix what) {
    const char* outcome = what == Msix::sent       ? "sent"
                          : what == Msix::pending  ? "pending (masked)"
                          : what == Msix::disabled ? "dropped (MSI-X disabled)"
                          : what == Msix::blocked  ? "blocked"
                                                   : "no such vector";
    writer_.instant(function_track(interrupts_, irq_pid_, function, "MSI-X"),
                    "MSI-X vector " + std::to_string(vector), "interrupt", now_ps(),
                    {{"vector", vector}, {"outcome", outcome}});
}

} // namespace aie4sim::trace
