#pragma once
// How VFs share the tile array (the "scheduler" section of the device description):
//   time_sharing  every VF sees the whole array; commands take turns on it, first come first
//                 served between VFs and round robin between one VF's contexts (as AMD's
//                 firmware describes its default: all VFs get all columns and time-share them);
//   spatial       each VF owns a slice of columns and sees only those; VFs with disjoint slices
//                 run at the same time, VFs whose slices overlap take turns on the overlap.

#include "common/config_node.h"

#include <systemc>
#include <utility>
#include <vector>

namespace aie4sim::models {

enum class SchedulingPolicy { time_sharing, spatial };

struct ColumnRange {
    unsigned first = 0;
    unsigned count = 0;
};

struct SchedulerConfig {
    SchedulingPolicy policy = SchedulingPolicy::time_sharing;
    // Switching the array (or a slice) from one context to another: the firmware saves and
    // clears the columns.
    sc_core::sc_time context_switch{5, sc_core::SC_US};
    // The firmware's cost of taking one command off a queue and dispatching it.
    sc_core::sc_time dispatch{2, sc_core::SC_US};
    // How long a uC may wait for one thing (a poll, tokens, its uC-DMA, a barrier) before the
    // command fails with a timeout: AMD's control code carries no timeouts of its own.
    sc_core::sc_time wait_timeout{1, sc_core::SC_SEC};
    // How long a context may keep its columns once granted: while its slice lasts and its queue
    // holds more commands, it runs them without going back to the arbiter; after the slice it
    // gives the columns up at the next command boundary (commands are not preempted mid-run).
    // Zero gives them up after every command, so VFs take turns command by command.
    sc_core::sc_time time_slice = sc_core::SC_ZERO_TIME;
    // spatial: explicit slices per VF (VF1 first); empty = an even split that wraps around.
    std::vector<ColumnRange> vf_columns;
};

SchedulerConfig parse_scheduler_config(const common::ConfigNode& node, const SchedulerConfig& d,
                                       unsigned total_vfs, unsigned array_columns);

// The columns VF `vf` (1-based) sees under `config`.
ColumnRange vf_columns(const SchedulerConfig& config, unsigned vf, unsigned total_vfs,
                       unsigned array_columns);

// Every function's columns, worked out once for a device: the firmware (which reports them to
// the driver) and the command processor (which runs commands on them) read the same plan.
class ColumnPlan {
public:
    ColumnPlan(const SchedulerConfig& config, unsigned total_vfs, unsigned array_columns);
    // Function 0 is the PF (the whole array), n is VF n; throws std::out_of_range past the last.
    [[nodiscard]] ColumnRange of(unsigned function) const { return by_function_.at(function); }

private:
    std::vector<ColumnRange> by_function_;
};

const char* policy_name(SchedulingPolicy policy);

} // namespace aie4sim::models
