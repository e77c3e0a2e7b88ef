#include "apps/command_times.h"

#include <fstream>
#include <regex>
#include <string>

namespace aie4sim::apps {

namespace {

// SystemC prints a time as "<number> <unit>".
double to_us(double value, const std::string& unit) {
    if (unit == "fs") {
        return value * 1e-9;
    }
    if (unit == "ps") {
        return value * 1e-6;
    }
    if (unit == "ns") {
        return value * 1e-3;
    }
    if (unit == "us") {
        return value;
    }
    if (unit == "ms") {
        return value * 1e3;
    }
    return value * 1e6; // "s"
}

} // namespace

std::map<unsigned, CommandTimes> command_times(const std::filesystem::path& model_log) {
    static const std::regex completed(
        R"(VF(\d+) context \d+: command \d+ completed in ([0-9.e+]+) (fs|ps|ns|us|ms|s) \((\d+) array cycles\))");
    std::map<unsigned, CommandTimes> out;
    std::ifstream in(model_log);
    std::string line;
    while (std::getline(in, line)) {
        std::smatch m;
        if (!std::regex_search(line, m, completed)) {
            continue;
        }
        CommandTimes& t = out[static_cast<unsigned>(std::stoul(m[1].str()))];
        ++t.commands;
        t.simulated_us += to_us(std::stod(m[2].str()), m[3].str());
        t.cycles += std::stoull(m[4].str());
    }
    return out;
}

} // namespace aie4sim::apps
