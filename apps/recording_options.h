#pragma once
// The --trace FILE and --vcd FILE options every command that runs the device takes: the
// model records them itself (run, model); guest and demo hand them to their model process.

#include "trace/recording.h"

#include <boost/json/object.hpp>
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace aie4sim::apps {

void add_recording_options(boost::program_options::options_description& options,
                           trace::RecordingOptions& recording);
// `aie4sim model` arguments that make it record the same files (as absolute paths: the model
// runs in its own folder).
void forward_recording_options(const trace::RecordingOptions& recording,
                               std::vector<std::string>& model_args);
// What a trace says about the run that made it ("otherData"): tool, version, command.
boost::json::object recording_about(const std::string& command);

} // namespace aie4sim::apps
