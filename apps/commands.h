#pragma once
// The aie4sim subcommands. Each takes the arguments after its name and returns the process
// exit status.

#include <string>
#include <vector>

namespace aie4sim::apps {

using Arguments = std::vector<std::string>;

int model_command(const Arguments& args);
int guest_command(const Arguments& args);
int run_command(const Arguments& args);
int demo_command(const Arguments& args);
int sweep_command(const Arguments& args);
int vms_command(const Arguments& args);

} // namespace aie4sim::apps
