#pragma once
// One child process of a sweep, with what a sweep records of it: exit status, wall time and
// peak resident memory (from wait4's rusage, so the figures are the child's own), and a
// deadline after which it is killed.

#include <chrono>
#include <string>
#include <sys/types.h>
#include <vector>

namespace aie4sim::apps::sweep {

struct ChildOutcome {
    int exit_code = -1; // -1 when killed by a signal
    int signal = 0;
    bool timed_out = false;
    double wall_seconds = 0;
    long peak_rss_kib = 0;
    std::string error; // could not start, killed, timed out
};

class ChildRun {
public:
    // Starts argv[0] with `argv`, stdout and stderr to `log` (appended). On failure to start,
    // finished() is true at once with the reason in the outcome.
    ChildRun(const std::vector<std::string>& argv, const std::string& log, double timeout_s);
    ~ChildRun();
    ChildRun(const ChildRun&) = delete;
    ChildRun& operator=(const ChildRun&) = delete;

    // Reaps the child if it ended, kills it if its deadline passed; true once it is over.
    bool poll();
    [[nodiscard]] bool finished() const { return done_; }
    [[nodiscard]] const ChildOutcome& outcome() const { return outcome_; }
    // Blocks until the child is over (polling every 20 ms).
    const ChildOutcome& wait();

private:
    using Clock = std::chrono::steady_clock;
    pid_t pid_ = -1;
    Clock::time_point start_;
    Clock::time_point deadline_;
    double timeout_s_;
    bool done_ = false;
    ChildOutcome outcome_;
};

} // namespace aie4sim::apps::sweep
