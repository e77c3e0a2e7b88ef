#pragma once
// What every command does first: read its options; and, where the device model runs in this
// process, set up the log and read the device description.

#include "apps/commands.h"
#include "models/device_config.h"

#include <boost/program_options.hpp>
#include <optional>
#include <string>

namespace aie4sim::apps {

// Reads `args` into `vm`. With --help it prints `options` and returns false: the command then
// ends with status 0. Bad options throw (main reports them with status 2).
bool parse_options(const Arguments& args,
                   const boost::program_options::options_description& options,
                   boost::program_options::variables_map& vm);

// The model's log at `spec` levels, each line stamped with the simulated time.
void configure_model_log(const std::string& spec);

// The device description in `path` (the built-in defaults when it is empty). A bad file is
// reported on stderr as "aie4sim <command>: <what and where>", and nothing is returned.
std::optional<models::DeviceConfig> load_config_or_report(const std::string& command,
                                                          const std::string& path);

} // namespace aie4sim::apps
