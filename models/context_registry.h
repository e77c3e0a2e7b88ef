#pragma once
// The device's one registry of hardware contexts. The firmware adds a context when a VF's
// CREATE_HW_CONTEXT is accepted and removes it on DESTROY_HW_CONTEXT, DESTROY_PARTITION, an
// FLR, DESTROY_VFS or power-off; the command processor finds a context by its doorbell page and
// serves a VF's contexts in the order they were created. Aie4Device owns the registry; both
// keep a reference. One record per context holds what the firmware agreed (`info`) and how far
// the command processor got with its queue, so nothing has to be kept in step.

#include "aie_tiles/cert/cert_runner.h"
#include "models/scheduler_config.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace aie4sim::models {

struct HwContext {
    std::uint32_t id = 0;
    unsigned function = 0;
    std::uint32_t partition_id = 0;
    std::uint64_t host_queue = 0; // device address of the user-mode queue header
    std::uint32_t num_tiles = 0;
    std::uint32_t priority = 0;
    unsigned slot = 0;                 // doorbell page index
    std::uint32_t doorbell_offset = 0; // in the function's BAR2
    unsigned msix_vector = 0;          // job completion
};

// A registered context: the firmware's record and the command processor's progress on it.
struct ContextRecord {
    HwContext info;
    // Who last used the array, as the arbiter sees it: unique for the registry's lifetime,
    // because context ids restart after an FLR or DESTROY_VFS and the array must still be
    // cleared for the new context.
    std::uint64_t owner = 0;
    std::uint64_t consumed = 0;
    std::uint64_t write_index = 0; // as last read from the queue (mirrored for the kernel)
    std::uint64_t mirrored = 0;
    bool kicked = false;
    bool failed = false;
    bool destroyed = false; // removed from the registry; a command it is running stops
    bool aborting = false;  // a runlist member failed: abort the rest of its runlist
    bool warned_layout = false;
    // The context holds its columns between commands (scheduler.time_slice): granted at
    // `slice_start`, not yet released; `running` while its uCs run on them.
    bool holding = false;
    bool running = false;
    ColumnRange held;
    sc_core::sc_time slice_start = sc_core::SC_ZERO_TIME;
    tiles::cert::StopSignal stop; // requested when the context goes away mid-command
};

// Told before a context's record leaves the registry (its `destroyed` is already set).
class ContextListener {
public:
    virtual ~ContextListener() = default;
    virtual void context_removed(ContextRecord& context) = 0;
};

class ContextRegistry {
public:
    // Records are shared: a command running when its context is removed keeps it alive.
    using Record = std::shared_ptr<ContextRecord>;

    // Functions 0 (the PF) to functions - 1.
    explicit ContextRegistry(unsigned functions);

    void set_listener(ContextListener* listener) { listener_ = listener; }

    // Registers a context of info.function (which must be in range) and returns its record.
    Record add(const HwContext& info);
    // Removes one context; false when the function has none with that id.
    bool remove(unsigned function, std::uint32_t id);
    // Removes the contexts of one partition of a function, or all of a function's contexts.
    void remove_partition(unsigned function, std::uint32_t partition_id);
    void clear(unsigned function);

    // A function's contexts, oldest first (empty for a function out of range).
    [[nodiscard]] const std::vector<Record>& of(unsigned function) const;
    [[nodiscard]] Record find(unsigned function, std::uint32_t id) const;
    // The context whose doorbell page starts at `page` in the function's BAR2, if any.
    [[nodiscard]] Record by_doorbell(unsigned function, std::uint32_t page) const;
    [[nodiscard]] unsigned functions() const { return static_cast<unsigned>(records_.size()); }

private:
    template <typename Match> void remove_where(unsigned function, Match match);

    std::vector<std::vector<Record>> records_; // [function], oldest first
    ContextListener* listener_ = nullptr;
    std::uint64_t next_owner_ = 1;
};

} // namespace aie4sim::models
