#pragma once
// What the XRT programs print: one result line, the same shape for every workload, which the
// guest tests and `aie4sim demo` read:
//   <op> on <BDF> (<device name>): verified; <n> run(s), wall <ms> ms per run (first <ms> ms)
//   <op> on <BDF> (<device name>): WRONG in run <r>: <what>
//   <op> on <BDF> (<device name>): completed, not checked; <n> run(s), wall ... (--no-check)

#include <string>

namespace xrt_programs {

struct RunReport {
    std::string op;
    std::string device;
    std::string device_name;
    unsigned runs = 0;
    double total_ms = 0;
    double first_ms = 0;
    std::string wrong; // empty when every run was verified
    unsigned wrong_run = 0;
    bool checked = true;
};

// With `progress`, says "run N started" on standard error (N counts from 0).
void note_start(const RunReport& report, bool progress);

// Counts a run that took `ms` (`wrong` says what was wrong with its result, "" if nothing);
// with `progress`, says "run N verified" (or "run N completed" when not checked) on standard
// error for a good one.
void record_run(RunReport& report, double ms, const std::string& wrong, bool progress);

// Prints the line on standard output; the program's exit status (0 verified, 1 wrong).
int print_report(const RunReport& report);

} // namespace xrt_programs
