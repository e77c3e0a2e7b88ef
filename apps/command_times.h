#pragma once
// What the model's log says about the commands each VF ran: the command processor logs
// "VF<n> context <c>: command <i> completed in <time> (<cycles> array cycles)" for every one
// (models/command_processor.cpp). `aie4sim demo` reads its simulated times from there, since
// XRT programs see only wall time.

#include <cstdint>
#include <filesystem>
#include <map>

namespace aie4sim::apps {

struct CommandTimes {
    unsigned commands = 0;
    double simulated_us = 0; // summed over the commands
    std::uint64_t cycles = 0;
};

// Per VF number; VFs without a completed command are absent. A missing file gives no entries.
std::map<unsigned, CommandTimes> command_times(const std::filesystem::path& model_log);

} // namespace aie4sim::apps
