#include "models/scheduler_config.h"

#include <algorithm>

namespace aie4sim::models {

const char* policy_name(SchedulingPolicy policy) {
    return policy == SchedulingPolicy::spatial ? "spatial" : "time_sharing";
}

SchedulerConfig parse_scheduler_config(const common::ConfigNode& node, const SchedulerConfig& d,
                                       unsigned total_vfs, unsigned array_columns) {
    node.expect_only({"policy", "context_switch_us", "dispatch_us", "wait_timeout_us",
                      "time_slice_us", "vf_columns"});
    SchedulerConfig c = d;
    c.policy =
        node.get_choice("policy", policy_name(d.policy), {"time_sharing", "spatial"}) == "spatial"
            ? SchedulingPolicy::spatial
            : SchedulingPolicy::time_sharing;
    c.context_switch = sc_core::sc_time(
        node.get_double("context_switch_us", d.context_switch.to_seconds() * 1e6, 0, 100000),
        sc_core::SC_US);
    c.dispatch = sc_core::sc_time(
        node.get_double("dispatch_us", d.dispatch.to_seconds() * 1e6, 0, 100000), sc_core::SC_US);
    c.wait_timeout = sc_core::sc_time(
        node.get_double("wait_timeout_us", d.wait_timeout.to_seconds() * 1e6, 1, 1e9),
        sc_core::SC_US);
    c.time_slice = sc_core::sc_time(
        node.get_double("time_slice_us", d.time_slice.to_seconds() * 1e6, 0, 1e9), sc_core::SC_US);
    const auto slices = node.children("vf_columns");
    if (!slices.empty()) {
        if (slices.size() != total_vfs) {
            node.fail("vf_columns",
                      "needs one {first, count} per VF (" + std::to_string(total_vfs) + ")");
        }
        c.vf_columns.clear();
        for (const common::ConfigNode& s : slices) {
            s.expect_only({"first", "count"});
            ColumnRange r;
            r.first = static_cast<unsigned>(s.get_uint("first", 0, 0, array_columns - 1));
            r.count = static_cast<unsigned>(s.get_uint("count", 1, 1, array_columns - r.first));
            c.vf_columns.push_back(r);
        }
    }
    return c;
}

ColumnPlan::ColumnPlan(const SchedulerConfig& config, unsigned total_vfs, unsigned array_columns) {
    for (unsigned function = 0; function <= total_vfs; ++function) {
        by_function_.push_back(vf_columns(config, function, total_vfs, array_columns));
    }
}

ColumnRange vf_columns(const SchedulerConfig& config, unsigned vf, unsigned total_vfs,
                       unsigned array_columns) {
    if (config.policy == SchedulingPolicy::time_sharing || vf == 0) {
        return ColumnRange{0, array_columns};
    }
    if (!config.vf_columns.empty() && vf <= config.vf_columns.size()) {
        return config.vf_columns[vf - 1];
    }
    const unsigned width = std::max(1u, array_columns / std::max(1u, total_vfs));
    const unsigned slots = std::max(1u, array_columns / width);
    return ColumnRange{((vf - 1) % slots) * width, width};
}

} // namespace aie4sim::models
