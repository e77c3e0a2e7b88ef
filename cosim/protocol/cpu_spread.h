#pragma once
// Keeps the model's serving thread off the CPU its peer (QEMU's vCPU thread) runs on.
//
// Two threads that hand messages back and forth end up on one CPU once a futex wake-up has put
// them there (the kernel places a woken thread near its waker), and the scheduler never
// separates them again: each sleeps while the other runs, so nothing looks unbalanced, and every
// hand-off costs two context switches instead of one cache-line transfer
// (docs/bridge-performance.md). Moving away once does not last: the next wake-up undoes it.
//
//   move   moves off the peer's CPU and gives the thread its whole CPU set back at once (the
//          scheduler stays free; measured: the next wake-up usually brings it back);
//   apart  moves off and stays off: the peer's CPU is left out of the thread's affinity, and,
//          where the peer says which thread waits (its presence block) and that thread is
//          found in the peer's process, the thread's new CPU is left out of the peer thread's
//          affinity. Moving only itself does not last either: in a VM an idle vCPU looks
//          preempted to the guest's scheduler, which then wakes a thread on its waker's CPU,
//          so the peer follows the model at its next wake-up (measured: docs/bridge-
//          performance.md). Both are given their sets back when either is seen waiting for
//          its own CPU (another process keeps that CPU busy: its run delay, schedstat, grows)
//          and, after a back-off, kept apart again. Neither is stuck behind a busy CPU for
//          longer than one check interval.

#include <chrono>
#include <cstdint>
#include <optional>
#include <sched.h>
#include <string>
#include <sys/types.h>

namespace aie4sim::cosim {

enum class SpreadMode { off, move, apart };

[[nodiscard]] std::optional<SpreadMode> parse_spread_mode(const std::string& text);
[[nodiscard]] const char* spread_mode_name(SpreadMode mode);

// The peer thread to keep apart from: its process (SO_PEERCRED of a UNIX socket) and thread
// (the peer's presence block). Either 0: unknown, only this thread moves.
struct PeerThread {
    pid_t process = 0;
    pid_t thread = 0;
};

struct SpreadPolicy {
    // How often a thread kept apart looks at its run delay, and the share of that time it
    // may have waited for its CPU before it lets go.
    std::chrono::milliseconds check_interval{10};
    double contention_limit = 0.5;
    // How long it then stays free before keeping apart again: the first time, doubled for every
    // release that follows within `settled` of keeping apart, up to the cap. A busy CPU that
    // stays busy costs one check interval per back-off; a short burst, one short back-off.
    std::chrono::milliseconds back_off{100};
    std::chrono::milliseconds back_off_cap{3200};
    std::chrono::milliseconds settled{2000};
    // At most one move per this interval (a peer that keeps following would make every
    // wait a system call otherwise).
    std::chrono::milliseconds move_interval{1};
};

class CpuSpread {
public:
    using Clock = std::chrono::steady_clock;

    explicit CpuSpread(SpreadMode mode = SpreadMode::off, SpreadPolicy policy = {});
    // Gives the thread its whole CPU set back: nothing outlives the link that kept it apart.
    ~CpuSpread();
    CpuSpread(const CpuSpread&) = delete;
    CpuSpread& operator=(const CpuSpread&) = delete;

    void set_mode(SpreadMode mode);

    // The peer was found on `cpu`, this thread's own. Returns true if the thread moved off it.
    bool on_shared_cpu(std::uint32_t cpu, Clock::time_point now, PeerThread peer = {});
    // Called on every wait: while apart, lets go when the thread waits for its own CPU.
    void check(Clock::time_point now);

    [[nodiscard]] SpreadMode mode() const { return mode_; }
    [[nodiscard]] bool apart() const { return excluded_cpu_.has_value(); }
    // The peer thread is kept off this thread's CPU as well.
    [[nodiscard]] bool peer_kept() const { return peer_kept_; }
    [[nodiscard]] std::uint64_t moves() const { return moves_; }
    [[nodiscard]] std::uint64_t releases() const { return releases_; }

    // A thread's time spent runnable but waiting for a CPU (ns), or nullopt where the kernel
    // does not say (no schedstat, or no such thread): this thread's, or a peer's.
    [[nodiscard]] static std::optional<std::uint64_t> run_delay_ns();
    [[nodiscard]] static std::optional<std::uint64_t> run_delay_ns(const PeerThread& peer);

private:
    bool exclude(std::uint32_t cpu);
    void keep_peer_off_own_cpu(const PeerThread& peer);
    void release();

    SpreadMode mode_;
    SpreadPolicy policy_;
    cpu_set_t allowed_{}; // the thread's own set, before any exclusion
    bool have_allowed_ = false;
    std::optional<std::uint32_t> excluded_cpu_;
    Clock::time_point next_move_{};
    Clock::time_point next_check_{};
    Clock::time_point free_until_{}; // after a release: no keeping apart before this
    std::chrono::milliseconds next_back_off_{};
    Clock::time_point apart_since_{};
    std::uint64_t delay_at_check_ = 0;
    PeerThread peer_{};
    cpu_set_t peer_allowed_{}; // the peer thread's set before we left our CPU out of it
    bool peer_kept_ = false;
    std::uint64_t peer_delay_at_check_ = 0;
    Clock::time_point last_check_{};
    std::uint64_t moves_ = 0;
    std::uint64_t releases_ = 0;
};

} // namespace aie4sim::cosim
