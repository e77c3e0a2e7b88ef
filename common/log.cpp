#include "common/log.h"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>

namespace aie4sim::common {

namespace {

struct LogState {
    std::mutex mutex;
    // The most verbose level any category has: a check above it needs no lock (hot paths
    // check debug and trace levels on every register access).
    std::atomic<int> most_verbose{static_cast<int>(LogLevel::info)};
    LogLevel level = LogLevel::info;
    std::map<std::string, LogLevel, std::less<>> overrides;
    std::ostream* sink = nullptr;
    std::function<std::string()> time_source;
};

LogState& state() {
    static LogState s;
    return s;
}

const char* level_name(LogLevel level) {
    switch (level) {
    case LogLevel::off:
        return "off";
    case LogLevel::error:
        return "error";
    case LogLevel::warn:
        return "warn";
    case LogLevel::info:
        return "info";
    case LogLevel::debug:
        return "debug";
    case LogLevel::trace:
        return "trace";
    }
    return "?";
}

} // namespace

LogLevel parse_log_level(std::string_view name) {
    for (LogLevel l : {LogLevel::off, LogLevel::error, LogLevel::warn, LogLevel::info,
                       LogLevel::debug, LogLevel::trace}) {
        if (name == level_name(l)) {
            return l;
        }
    }
    throw std::invalid_argument("unknown log level \"" + std::string(name) +
                                "\" (off, error, warn, info, debug, trace)");
}

void log_configure(std::string_view spec) {
    LogLevel level = LogLevel::info;
    std::map<std::string, LogLevel, std::less<>> overrides;
    while (!spec.empty()) {
        std::size_t comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
        if (item.empty()) {
            continue;
        }
        std::size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
            level = parse_log_level(item);
        } else {
            overrides[std::string(item.substr(0, eq))] = parse_log_level(item.substr(eq + 1));
        }
    }
    LogState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.level = level;
    s.overrides = std::move(overrides);
    int most = static_cast<int>(level);
    for (const auto& [category, l] : s.overrides) {
        most = std::max(most, static_cast<int>(l));
    }
    s.most_verbose = most;
}

void log_set_level(LogLevel level) {
    LogState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.level = level;
    s.overrides.clear();
    s.most_verbose = static_cast<int>(level);
}

void log_set_sink(std::ostream* sink) {
    LogState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.sink = sink;
}

void log_set_time_source(std::function<std::string()> source) {
    LogState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.time_source = std::move(source);
}

bool log_enabled(LogLevel level, std::string_view category) {
    LogState& s = state();
    if (static_cast<int>(level) > s.most_verbose.load(std::memory_order_relaxed)) {
        return false;
    }
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.overrides.find(category);
    LogLevel limit = it == s.overrides.end() ? s.level : it->second;
    return static_cast<int>(level) <= static_cast<int>(limit);
}

void log_write(LogLevel level, std::string_view category, const std::string& message) {
    LogState& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    std::ostream& out = s.sink != nullptr ? *s.sink : std::cerr;
    out << '[' << (s.time_source ? s.time_source() : std::string("-")) << "] " << level_name(level)
        << ' ' << category << ": " << message << '\n';
    out.flush();
}

} // namespace aie4sim::common
