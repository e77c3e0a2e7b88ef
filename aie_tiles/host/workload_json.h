#pragma once
// A JSON description of a built workload (op, plan, buffers with layouts in argument order,
// control-code size) for tools, and a helper that writes the control code and the
// description next to each other. Separate from aie4sim_workload because it needs Boost.JSON,
// which the guest programs do not link.

#include "aie_tiles/host/workload.h"

#include <string>

namespace aie4sim::tiles::host {

std::string describe_workload_json(const Workload& workload);

// Writes `<prefix>.bin` (control code) and `<prefix>.json`; throws std::runtime_error.
void write_workload_files(const Workload& workload, const std::string& prefix);

} // namespace aie4sim::tiles::host
