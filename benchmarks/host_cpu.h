#pragma once
// The host's CPU model, which every benchmark prints and writes into its JSON report: figures
// must hold on Intel and AMD hosts alike, so each one says which it was measured on.

#include <fstream>
#include <string>

namespace aie4sim::bench {

inline std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            return colon == std::string::npos ? line : line.substr(colon + 2);
        }
    }
    return "unknown";
}

} // namespace aie4sim::bench
