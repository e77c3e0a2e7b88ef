#pragma once
// The device's timeline: attaches to every observer hook of an Aie4Device (command processor,
// mailboxes, functions' interrupts and resets, the tile array) and writes what happens as a
// trace-event file (trace_event_writer.h) with simulated time on the time axis:
//
//   process "VF contexts"     a track per (VF, context): doorbells, each command (fetched ..
//                             done, with its queueing delay) and its phases (dispatch, columns,
//                             context switch, run); a queue-depth counter per context
//   process "Array columns"   a track per column: which VF's context holds it (busy), with a
//                             nested "context switch" while it is cleared; an owner counter
//   process "DMA channels"    a track per channel that ever ran: each task (start BD, bytes)
//   process "Cores"           a track per core: its program and each kernel run
//   process "Firmware"        a track per function's mailbox (each message, its reply
//                             status) and per function's resets (FLR until the firmware has
//                             recovered and republished the mailbox; cold and VF-disable resets)
//   process "Interrupts"      a track per function: every MSI-X message (and the signals that
//                             stayed pending or were blocked)
//
// Tracks appear when they first have something to show. Detach by destroying the timeline
// (before the device); finish() ends the file.

#include "aie_tiles/array_observer.h"
#include "models/device_observer.h"
#include "pcie/interrupt_observer.h"
#include "trace/trace_event_writer.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace aie4sim::models {
class Aie4Device;
}

namespace aie4sim::trace {

class DeviceTimeline : private models::DeviceObserver,
                       private tiles::ArrayObserver,
                       private pcie::InterruptObserver {
public:
    DeviceTimeline(models::Aie4Device& device, TraceEventWriter& writer);
    ~DeviceTimeline() override;
    DeviceTimeline(const DeviceTimeline&) = delete;
    DeviceTimeline& operator=(const DeviceTimeline&) = delete;

    // Closes open slices at the current simulated time and ends the file.
    void finish();

private:
    struct Context {
        Track track;
        std::uint64_t pending_since_ps = 0; // first doorbell not yet answered by a fetch
        bool pending = false;
        std::uint64_t write_index = 0;
        bool in_command = false;
        std::vector<unsigned> columns; // held by its running command
    };

    [[nodiscard]] static std::uint64_t now_ps();
    static std::string function_name(unsigned function);
    Context& context(unsigned function, std::uint32_t id);
    Track column_track(unsigned col);
    Track channel_track(unsigned col, unsigned row, tiles::DmaDir dir, unsigned channel,
                        tiles::TileKind kind);
    Track core_track(unsigned col, unsigned row);
    Track function_track(std::map<unsigned, Track>& tracks, std::uint32_t pid, unsigned function,
                         const char* what);
    void flr(unsigned function, int kind);

    // models::DeviceObserver
    void doorbell(unsigned function, std::uint32_t context) override;
    void command_fetched(unsigned function, std::uint32_t context, std::uint64_t index,
                         std::uint64_t write_index) override;
    void command_phase(unsigned function, std::uint32_t context, std::string_view phase) override;
    void command_done(unsigned function, std::uint32_t context, std::uint64_t index, bool ok,
                      std::string_view status, std::uint64_t cycles) override;
    void columns_granted(unsigned first, unsigned count, unsigned function, std::uint32_t context,
                         bool switched) override;
    void columns_released(unsigned first, unsigned count) override;
    void message_begin(unsigned function, std::uint32_t opcode, std::string_view name) override;
    void message_end(unsigned function, bool replied, std::uint32_t status) override;
    void mailbox_published(unsigned function) override;
    // tiles::ArrayObserver
    void dma_task_begin(unsigned col, unsigned row, tiles::TileKind kind, tiles::DmaDir dir,
                        unsigned channel, unsigned bd, unsigned executions) override;
    void dma_task_end(unsigned col, unsigned row, tiles::DmaDir dir, unsigned channel,
                      std::uint64_t bytes, TaskEnd how) override;
    void core_begin(unsigned col, unsigned row, std::uint32_t kernel, std::uint32_t inner,
                    std::uint32_t outer) override;
    void core_end(unsigned col, unsigned row, bool ok) override;
    void kernel_begin(unsigned col, unsigned row, std::uint32_t kernel,
                      std::uint64_t cycles) override;
    void kernel_end(unsigned col, unsigned row, bool ok) override;
    // pcie::InterruptObserver
    void msix(unsigned function, unsigned vector, Msix what) override;

    models::Aie4Device& device_;
    TraceEventWriter& writer_;
    // Reset listeners cannot be removed from a function: they hold this flag, cleared when the
    // timeline goes away.
    std::shared_ptr<bool> alive_;
    std::uint32_t contexts_pid_, columns_pid_, dma_pid_, cores_pid_, firmware_pid_, irq_pid_;
    std::map<std::pair<unsigned, std::uint32_t>, Context> contexts_;
    std::map<unsigned, Track> columns_;
    std::map<std::tuple<unsigned, unsigned, int, unsigned>, Track> channels_;
    std::map<std::pair<unsigned, unsigned>, Track> cores_;
    std::map<unsigned, Track> mailboxes_;
    std::map<unsigned, Track> resets_;
    std::map<unsigned, Track> interrupts_;
};

} // namespace aie4sim::trace
