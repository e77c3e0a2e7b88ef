#pragma once
// What the two processes of a bridged run are doing, seen from outside: every thread's CPU
// time, time spent runnable but waiting for a CPU, voluntary switches (it slept) and
// involuntary ones (it was preempted), from /proc; and both sides' presence blocks
// (aie4sim_wait.h: spin hits, sleeps, wake-ups, DMA), read from the model's shared region
// through /proc/PID/fd. bridge_bench takes a snapshot at each phase of the guest script and
// reports the differences.

#include "cosim/protocol/aie4sim_wait.h"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace aie4sim::bench {

struct ThreadSample {
    pid_t tid = 0;
    std::string name;
    double run_s = 0;  // on a CPU
    double wait_s = 0; // runnable, waiting for a CPU
    long voluntary = 0;
    long involuntary = 0;
};

struct ProcessSample {
    pid_t pid = 0;
    std::vector<ThreadSample> threads;
    [[nodiscard]] double run_s() const;
};

struct Snapshot {
    double wall_s = 0;                    // steady clock
    std::vector<ProcessSample> processes; // in the order the probe was given or found them
    std::optional<a4s_presence> qemu_side;
    std::optional<a4s_presence> model_side;
};

// One thread's activity between two snapshots.
struct ThreadDelta {
    std::string process;
    std::string name;
    double run_s = 0;
    double wait_s = 0;
    long voluntary = 0;
    long involuntary = 0;
};

class RunProbe {
public:
    // Processes are found by a string in their command lines (the run folder) and named by
    // what they are: "model" (argv[1] is "model") or "qemu".
    explicit RunProbe(std::string marker);
    // Processes given by id (the stock bridge's two QEMUs), with their names.
    RunProbe(const std::vector<std::pair<std::string, pid_t>>& processes);
    ~RunProbe();
    RunProbe(const RunProbe&) = delete;
    RunProbe& operator=(const RunProbe&) = delete;

    Snapshot take();
    [[nodiscard]] const std::vector<std::string>& names() const { return names_; }

private:
    void find_processes();
    void map_presence();

    std::string marker_;
    std::vector<std::string> names_;
    std::vector<pid_t> pids_;
    const std::uint8_t* region_ = nullptr;
    std::size_t region_size_ = 0;
};

std::vector<ThreadDelta> thread_deltas(const Snapshot& before, const Snapshot& after,
                                       const std::vector<std::string>& names);
// CPU time of each process between the snapshots, as a percentage of one CPU.
std::vector<std::pair<std::string, double>>
cpu_percent(const Snapshot& before, const Snapshot& after, const std::vector<std::string>& names);

a4s_wait_stats minus(const a4s_wait_stats& after, const a4s_wait_stats& before);
a4s_dma_stats minus(const a4s_dma_stats& after, const a4s_dma_stats& before);

} // namespace aie4sim::bench
