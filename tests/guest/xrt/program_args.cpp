#include "program_args.h"

#include <stdexcept>

namespace xrt_programs {

namespace {

std::uint64_t parse_number(const std::string& option, const char* text, std::uint64_t max) {
    std::size_t used = 0;
    std::uint64_t value = 0;
    try {
        value = std::stoull(text, &used, 0);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || text[used] != '\0' || value > max || text[0] == '-') {
        throw std::invalid_argument(option + " needs a number up to " + std::to_string(max) +
                                    ", not \"" + text + "\"");
    }
    return value;
}

} // namespace

ProgramArgs parse_program_args(int argc, char** argv) {
    const std::string usage =
        std::string("usage: ") + (argc > 0 ? argv[0] : "program") +
        " BDF LAYOUT.json [--runs N] [--seed S] [--timeout-ms T] [--progress] [--no-check]";
    ProgramArgs a;
    int positional = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--progress") {
            a.progress = true;
        } else if (arg == "--no-check") {
            a.check = false;
        } else if (arg == "--runs" || arg == "--seed" || arg == "--timeout-ms") {
            if (i + 1 >= argc) {
                std::string what = arg;
                what += " needs a value\n";
                what += usage;
                throw std::invalid_argument(what);
            }
            const char* value = argv[++i];
            if (arg == "--runs") {
                a.runs = static_cast<unsigned>(parse_number(arg, value, 1000000));
                if (a.runs == 0) {
                    throw std::invalid_argument("--runs must be at least 1");
                }
            } else if (arg == "--seed") {
                a.seed = static_cast<std::uint32_t>(parse_number(arg, value, 0xFFFFFFFFU));
            } else {
                a.timeout = std::chrono::milliseconds(parse_number(arg, value, 86400000));
            }
        } else if (!arg.empty() && arg[0] == '-') {
            std::string what = "unknown option ";
            what += arg;
            what += "\n";
            what += usage;
            throw std::invalid_argument(what);
        } else if (positional == 0) {
            a.device = arg;
            ++positional;
        } else if (positional == 1) {
            a.layout = arg;
            ++positional;
        } else {
            throw std::invalid_argument("too many arguments\n" + usage);
        }
    }
    if (positional != 2) {
        throw std::invalid_argument(usage);
    }
    return a;
}

} // namespace xrt_programs
