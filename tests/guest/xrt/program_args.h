#pragma once
// The command line the XRT programs share:
//   PROGRAM BDF LAYOUT.json [--runs N] [--seed S] [--timeout-ms T] [--progress] [--no-check]
// BDF names the NPU function (a VF, e.g. 0000:01:00.1); LAYOUT.json is the layout file
// `aie4sim-workload` wrote next to the workload's ELF.

#include <chrono>
#include <cstdint>
#include <string>

namespace xrt_programs {

struct ProgramArgs {
    std::string device;
    std::string layout;
    unsigned runs = 1;
    std::uint32_t seed = 1;
    std::chrono::milliseconds timeout{120000};
    bool progress = false; // "run N started" / "run N verified" on standard error
    bool check = true;     // --no-check: results are not checked (load and tear-down tests)
};

// Throws std::invalid_argument with the usage line on a malformed command line.
ProgramArgs parse_program_args(int argc, char** argv);

} // namespace xrt_programs
