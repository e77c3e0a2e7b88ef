#pragma once
// What `aie4sim run --mix` reports (docs/workload-mixes.md): per VF the commands and jobs done,
// throughput in simulated time (useful ops/s, commands/s), command latency (doorbell ->
// completion seen by the host) and queueing delay (doorbell -> start on the columns) as p50 and
// p99, job latency (arrival -> last command's completion), column utilisation; over all VFs the
// same percentiles and Jain's fairness over the VFs' throughput. As a table and as JSON.

#include "models/host/mix_runner.h"

#include <boost/json/object.hpp>
#include <string>

namespace aie4sim::apps {

struct MixRunAbout {
    std::string mix_name;
    unsigned vfs = 0;
    std::string policy;
    unsigned array_columns = 0;
    double clock_hz = 0;
    double time_slice_us = 0;
    std::uint64_t context_switches = 0;
    std::uint32_t seed = 0;
    double bring_up_us = 0;
    double wall_seconds = 0;
};

// The report (the `run --json` document): "results" holds one object per VF.
boost::json::object mix_report(const models::host::MixResult& result, const MixRunAbout& about);

// The readable table of a report.
void print_mix_report(const boost::json::object& report);

// Whether every command of every VF ran and verified, and no VF failed to run.
bool mix_all_ok(const models::host::MixResult& result);

} // namespace aie4sim::apps
