#pragma once
// Deadlines a guest measures in real time. The driver polls a register for a second of its own
// clock (mailbox_info after an FLR, say); in free time mode the model's simulated time has no
// tie to that clock and crawls while a long job runs on the array, so a latency the device
// models in simulated time alone can outlast the driver's patience. A device model that owes
// such an answer schedules it here as well, by wall-clock time; whoever runs the simulation loop
// in free mode (cosim::Bridge) calls run_due() between time steps. Nobody polls in the
// standalone mode or in lockstep (where guest and model time are coupled), so there the
// simulated latency alone decides and runs stay deterministic.
//
// Not thread-safe: schedule() and run_due() are called from the simulation's one thread.

#include <chrono>
#include <functional>
#include <map>
#include <optional>

namespace aie4sim::common {

class WallClockAlarms {
public:
    using Clock = std::chrono::steady_clock;

    // Runs `action` from run_due() once `after` of wall-clock time has passed. Actions must
    // tolerate running after their simulated-time twin (they are "whichever comes first").
    void schedule(Clock::duration after, std::function<void()> action);
    // Runs every action that is due; returns how many ran.
    unsigned run_due();
    // When the next action is due, if any: the loop's longest sleep.
    [[nodiscard]] std::optional<Clock::time_point> next_due() const;
    [[nodiscard]] bool empty() const { return due_.empty(); }

private:
    std::multimap<Clock::time_point, std::function<void()>> due_;
};

} // namespace aie4sim::common
