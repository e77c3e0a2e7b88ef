#pragma once
// The model's log: one line per event, "[time] level category: message", where time is the
// simulated time when a time source is installed (SystemC layers install sc_time_stamp).
// Written by hand rather than with Boost.Log: we need one line format, per-category levels
// and a pluggable time stamp, and Boost.Log would add a heavy shared library to every tool.

#include <functional>
#include <iosfwd>
#include <sstream>
#include <string>
#include <string_view>

namespace aie4sim::common {

enum class LogLevel { off = -1, error = 0, warn = 1, info = 2, debug = 3, trace = 4 };

// "info", "fw=trace,pcie=debug", or "off,bridge=warn": a default level and overrides.
void log_configure(std::string_view spec);
void log_set_level(LogLevel level);
void log_set_sink(std::ostream* sink); // nullptr: stderr
void log_set_time_source(std::function<std::string()> source);

bool log_enabled(LogLevel level, std::string_view category);
void log_write(LogLevel level, std::string_view category, const std::string& message);

LogLevel parse_log_level(std::string_view name); // throws std::invalid_argument

} // namespace aie4sim::common

#define AIE4SIM_LOG(level, category, expr)                                                         \
    do {                                                                                           \
        if (::aie4sim::common::log_enabled(::aie4sim::common::LogLevel::level, category)) {        \
            std::ostringstream aie4sim_log_line_;                                                  \
            /* NOLINTNEXTLINE(bugprone-macro-parentheses): expr is a << chain */                   \
            aie4sim_log_line_ << expr;                                                             \
            ::aie4sim::common::log_write(::aie4sim::common::LogLevel::level, category,             \
                                         aie4sim_log_line_.str());                                 \
        }                                                                                          \
    } while (0)
