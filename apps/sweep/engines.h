#pragma once
// Where a sweep's points run: here, several at a time (local), or as one Slurm job array whose
// task K runs point K (`aie4sim sweep MANIFEST --point $SLURM_ARRAY_TASK_ID`); and how their
// records come together (results.jsonl) and become a report.

#include "apps/sweep/manifest.h"

#include <filesystem>
#include <ostream>
#include <string>

namespace aie4sim::apps::sweep {

// Runs every point, `jobs` at a time, each with the manifest's timeout.
void run_local(const Manifest& manifest, const std::filesystem::path& out,
               const std::string& aie4sim, unsigned jobs, std::ostream& progress);

struct SlurmOptions {
    unsigned concurrent = 0;   // at most this many tasks at once (0: Slurm decides)
    double timeout_s = 0;      // the whole array; 0: from the points' timeout
    std::string partition;     // empty: the cluster's default
    std::string manifest_path; // as the tasks must read it
};
// Submits the array with sbatch and waits for it to end (sbatch --wait), cancelling it if it
// outlives the timeout; a task that wrote no record leaves its point failed, with the reason.
// Throws std::runtime_error when Slurm cannot be used at all.
void run_slurm(const Manifest& manifest, const std::filesystem::path& out,
               const std::string& aie4sim, const SlurmOptions& options, std::ostream& progress);

struct Gathered {
    std::size_t ok = 0;
    std::size_t failed = 0;
    std::size_t missing = 0;
};
// Writes OUT/results.jsonl: every point's record in index order; a point without one gets a
// failed record that says `missing_reason`.
Gathered gather(const Manifest& manifest, const std::filesystem::path& out,
                const std::string& missing_reason);

// Draws OUT/report.html (and OUT/plots/*.png) from results.jsonl with the report script
// (matplotlib). Returns false, with the reason on `progress`, if it could not.
bool draw_report(const std::filesystem::path& out, const std::filesystem::path& script,
                 std::ostream& progress);

} // namespace aie4sim::apps::sweep
