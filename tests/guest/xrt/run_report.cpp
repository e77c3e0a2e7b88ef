#include "run_report.h"

#include <cstdio>

namespace xrt_programs {

void note_start(const RunReport& r, bool progress) {
    if (progress) {
        std::fprintf(stderr, "run %u started\n", r.runs);
        std::fflush(stderr);
    }
}

void record_run(RunReport& r, double ms, const std::string& wrong, bool progress) {
    if (r.runs == 0) {
        r.first_ms = ms;
    }
    r.total_ms += ms;
    if (!wrong.empty()) {
        r.wrong = wrong;
        r.wrong_run = r.runs;
    } else if (progress) {
        std::fprintf(stderr, "run %u %s\n", r.runs, r.checked ? "verified" : "completed");
        std::fflush(stderr);
    }
    ++r.runs;
}

int print_report(const RunReport& r) {
    if (!r.wrong.empty()) {
        std::printf("%s on %s (%s): WRONG in run %u: %s\n", r.op.c_str(), r.device.c_str(),
                    r.device_name.c_str(), r.wrong_run, r.wrong.c_str());
        return 1;
    }
    std::printf("%s on %s (%s): %s; %u run%s, wall %.2f ms per run (first %.2f ms)\n", r.op.c_str(),
                r.device.c_str(), r.device_name.c_str(),
                r.checked ? "verified" : "completed, not checked", r.runs, r.runs == 1 ? "" : "s",
                r.runs > 0 ? r.total_ms / r.runs : 0.0, r.first_ms);
    return 0;
}

} // namespace xrt_programs
