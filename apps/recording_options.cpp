#include "apps/recording_options.h"

#include "common/version.h"

#include <filesystem>

namespace aie4sim::apps {

void add_recording_options(boost::program_options::options_description& options,
                           trace::RecordingOptions& recording) {
    namespace po = boost::program_options;
    options.add_options()("trace", po::value(&recording.trace_file),
                          "write a timeline of the device (Perfetto / Chrome trace-event JSON, "
                          "simulated time) to this file")(
        "vcd", po::value(&recording.vcd_file),
        "write a waveform of the device (VCD, for GTKWave: locks, DMA channels, cores, MSI-X)");
}

void forward_recording_options(const trace::RecordingOptions& recording,
                               std::vector<std::string>& model_args) {
    if (!recording.trace_file.empty()) {
        model_args.push_back("--trace");
        model_args.push_back(std::filesystem::absolute(recording.trace_file).string());
    }
    if (!recording.vcd_file.empty()) {
        model_args.push_back("--vcd");
        model_args.push_back(std::filesystem::absolute(recording.vcd_file).string());
    }
}

boost::json::object recording_about(const std::string& command) {
    return {{"tool", "aie4sim"},
            {"command", command},
            {"version", common::kVersion},
            {"git", common::kGitDescription}};
}

} // namespace aie4sim::apps
