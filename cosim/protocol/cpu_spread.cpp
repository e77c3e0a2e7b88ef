#include "cosim/protocol/cpu_spread.h"

#include <algorithm>
#include <fstream>

namespace aie4sim::cosim {

std::optional<SpreadMode> parse_spread_mode(const std::string& text) {
    if (text == "off" || text == "false" || text == "0") {
        return SpreadMode::off;
    }
    if (text == "move") {
        return SpreadMode::move;
    }
    if (text == "apart" || text == "on" || text == "true" || text == "1") {
        return SpreadMode::apart;
    }
    return std::nullopt;
}

const char* spread_mode_name(SpreadMode mode) {
    switch (mode) {
    case SpreadMode::off:
        return "off";
    case SpreadMode::move:
        return "move";
    case SpreadMode::apart:
        return "apart";
    }
    return "?";
}

CpuSpread::CpuSpread(SpreadMode mode, SpreadPolicy policy)
    : mode_(mode), policy_(policy), next_back_off_(policy.back_off) {}

CpuSpread::~CpuSpread() {
    if (apart()) {
        release();
    }
}

void CpuSpread::set_mode(SpreadMode mode) {
    if (apart()) {
        release();
    }
    mode_ = mode;
}

namespace {

std::optional<std::uint64_t> read_run_delay(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t running = 0;
    std::uint64_t waiting = 0;
    if (!(in >> running >> waiting)) {
        return std::nullopt;
    }
    return waiting;
}

// Gives thread `tid` (0: the caller) the set `allowed` without `cpu`; false if that would leave
// it nowhere to run or the kernel refuses (another user's thread).
bool set_affinity_without(pid_t tid, const cpu_set_t& allowed, std::uint32_t cpu) {
    if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2) {
        return false;
    }
    cpu_set_t others = allowed;
    CPU_CLR(cpu, &others);
    return sched_setaffinity(tid, sizeof others, &others) == 0;
}

std::string task_path(const PeerThread& peer) {
    return "/proc/" + std::to_string(peer.process) + "/task/" + std::to_string(peer.thread);
}

} // namespace

std::optional<std::uint64_t> CpuSpread::run_delay_ns() {
    return read_run_delay("/proc/thread-self/schedstat");
}

std::optional<std::uint64_t> CpuSpread::run_delay_ns(const PeerThread& peer) {
    if (peer.process <= 0 || peer.thread <= 0) {
        return std::nullopt;
    }
    return read_run_delay(task_path(peer) + "/schedstat");
}

// Only a thread of the peer's own process is touched: a thread number from another PID
// namespace, or a stale one, must never move an unrelated thread.
void CpuSpread::keep_peer_off_own_cpu(const PeerThread& peer) {
    const int own = sched_getcpu();
    const auto delay = run_delay_ns(peer); // also: the thread is in the peer's process
    cpu_set_t allowed;
    if (own < 0 || !delay || sched_getaffinity(peer.thread, sizeof allowed, &allowed) != 0 ||
        !set_affinity_without(peer.thread, allowed, static_cast<std::uint32_t>(own))) {
        return; // only this thread keeps apart
    }
    peer_ = peer;
    peer_allowed_ = allowed;
    peer_kept_ = true;
    peer_delay_at_check_ = *delay;
}

bool CpuSpread::exclude(std::uint32_t cpu) {
    if (!have_allowed_) {
        if (sched_getaffinity(0, sizeof allowed_, &allowed_) != 0) {
            return false;
        }
        have_allowed_ = true;
    }
    return set_affinity_without(0, allowed_, cpu);
}

void CpuSpread::release() {
    if (have_allowed_) {
        sched_setaffinity(0, sizeof allowed_, &allowed_);
    }
    if (peer_kept_ && run_delay_ns(peer_)) {
        sched_setaffinity(peer_.thread, sizeof peer_allowed_, &peer_allowed_);
    }
    peer_kept_ = false;
    excluded_cpu_.reset();
}

bool CpuSpread::on_shared_cpu(std::uint32_t cpu, Clock::time_point now, PeerThread peer) {
    if (mode_ == SpreadMode::off || now < next_move_ || now < free_until_) {
        return false;
    }
    next_move_ = now + policy_.move_interval;
    if (apart()) {
        release(); // the peer came back all the same: start again from both threads' own sets
    }
    if (!exclude(cpu)) {
        return false;
    }
    ++moves_;
    if (mode_ == SpreadMode::move) {
        release(); // moved; the scheduler is free again at once
        return true;
    }
    excluded_cpu_ = cpu;
    apart_since_ = now;
    keep_peer_off_own_cpu(peer);
    last_check_ = now;
    next_check_ = now + policy_.check_interval;
    delay_at_check_ = run_delay_ns().value_or(0);
    return true;
}

void CpuSpread::check(Clock::time_point now) {
    if (!excluded_cpu_ || now < next_check_) {
        return;
    }
    const auto delay = run_delay_ns();
    if (!delay) {
        // No schedstat: keep apart (nothing says it hurts), and look again only at the next
        // check, not on every wait.
        next_check_ = now + policy_.check_interval;
        return;
    }
    const auto waited_since = [](std::uint64_t now_delay, std::uint64_t then) {
        return now_delay > then ? static_cast<double>(now_delay - then) : 0.0;
    };
    double waited = waited_since(*delay, delay_at_check_);
    delay_at_check_ = *delay;
    if (peer_kept_) {
        if (const auto peer_delay = run_delay_ns(peer_)) {
            waited = std::max(waited, waited_since(*peer_delay, peer_delay_at_check_));
            peer_delay_at_check_ = *peer_delay;
        }
    }
    const double elapsed = static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_check_).count());
    last_check_ = now;
    next_check_ = now + policy_.check_interval;
    if (elapsed > 0 && waited > policy_.contention_limit * elapsed) {
        release();
        ++releases_;
        if (now - apart_since_ >= policy_.settled) {
            next_back_off_ = policy_.back_off; // it had settled: this is a new burst
        }
        free_until_ = now + next_back_off_;
        next_back_off_ = std::min(next_back_off_ * 2, policy_.back_off_cap);
    }
}

} // namespace aie4sim::cosim
