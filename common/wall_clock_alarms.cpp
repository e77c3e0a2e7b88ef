#include "common/wall_clock_alarms.h"

namespace aie4sim::common {

void WallClockAlarms::schedule(Clock::duration after, std::function<void()> action) {
    due_.emplace(Clock::now() + after, std::move(action));
}

unsigned WallClockAlarms::run_due() {
    unsigned ran = 0;
    const auto now = Clock::now();
    while (!due_.empty() && due_.begin()->first <= now) {
        auto action = std::move(due_.begin()->second);
        due_.erase(due_.begin());
        action(); // may schedule more
        ++ran;
    }
    return ran;
}

std::optional<WallClockAlarms::Clock::time_point> WallClockAlarms::next_due() const {
    if (due_.empty()) {
        return std::nullopt;
    }
    return due_.begin()->first;
}

} // namespace aie4sim::common
