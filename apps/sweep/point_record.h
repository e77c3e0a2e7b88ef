#pragma once
// One sweep point as a process and as a record. A point's files live in OUT/points/:
//   K/config.json   the generated device configuration
//   K/run.json      what `aie4sim run --json` reported
//   K/log.txt       the run's output
//   K.json          the record (below), written when the point ends, failed or not
// The record: index, point (axis values), seed, version, engine, command, config, status
// ("ok" | "failed"), exit_code, error, wall_seconds, peak_rss_kib, results (the run's report:
// one object per VF under "results", whose numeric fields a report plots generically) and
// metrics (throughput_tops, makespan_us, latency_p50_us, latency_p99_us over every latency
// sample of every VF, fairness_jain over the VFs' effective throughput: work over end-to-end
// time, so that waiting for the array counts).

#include "apps/sweep/child_run.h"
#include "apps/sweep/manifest.h"

#include <boost/json/object.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace aie4sim::apps::sweep {

std::filesystem::path point_dir(const std::filesystem::path& out, std::size_t index);
std::filesystem::path record_path(const std::filesystem::path& out, std::size_t index);

// Writes the point's configuration; returns the `aie4sim run` command line.
std::vector<std::string> prepare_point(const Point& point, const std::filesystem::path& out,
                                       const std::string& aie4sim);
// Builds the record of a point that ran (or not) and writes it to record_path().
boost::json::object record_point(const Point& point, const std::filesystem::path& out,
                                 const std::vector<std::string>& command,
                                 const ChildOutcome& outcome, const std::string& engine);
// The derived metrics of a run report (empty when the report has no VF results).
boost::json::object point_metrics(const boost::json::object& results);

// Runs one point here and now, waiting for it.
boost::json::object run_point_here(const Point& point, const std::filesystem::path& out,
                                   const std::string& aie4sim, double timeout_s,
                                   const std::string& engine);

} // namespace aie4sim::apps::sweep
