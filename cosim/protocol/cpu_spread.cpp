#include "cosim/protocol/cpu_spread.h"

#include <cstdio>
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

CpuSpread::CpuSpread(SpreadMode mode, SpreadPolicy policy) : mode_(mode), policy_(policy) {}

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

std::optional<std::uint64_t> CpuSpread::run_delay_ns() {
    std::ifstream in("/proc/thread-self/schedstat");
    std::uint64_t running = 0;
    std::uint64_t waiting = 0;
    if (!(in >> running >> waiting)) {
        return std::nullopt;
    }
    return waiting;
}

bool CpuSpread::exclude(std::uint32_t cpu) {
    if (!have_allowed_) {
        if (sched_getaffinity(0, sizeof allowed_, &allowed_) != 0) {
            return false;
        }
        have_allowed_ = true;
    }
    if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed_) || CPU_COUNT(&allowed_) < 2) {
        return false;
    }
    cpu_set_t others = allowed_;
    CPU_CLR(cpu, &others);
    return sched_setaffinity(0, sizeof others, &others) == 0;
}

void CpuSpread::release() {
    if (have_allowed_) {
        sched_setaffinity(0, sizeof allowed_, &allowed_);
    }
    excluded_cpu_.reset();
}

bool CpuSpread::on_shared_cpu(std::uint32_t cpu, Clock::time_point now) {
    if (mode_ == SpreadMode::off || now < next_move_ || now < free_until_) {
        return false;
    }
    next_move_ = now + policy_.move_interval;
    if (!exclude(cpu)) {
        return false;
    }
    ++moves_;
    if (mode_ == SpreadMode::move) {
        release(); // moved; the scheduler is free again at once
        return true;
    }
    excluded_cpu_ = cpu;
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
        return; // no schedstat: keep apart (nothing says it hurts)
    }
    const double waited =
        *delay > delay_at_check_ ? static_cast<double>(*delay - delay_at_check_) : 0.0;
    const double elapsed = static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_check_).count());
    delay_at_check_ = *delay;
    last_check_ = now;
    next_check_ = now + policy_.check_interval;
    if (elapsed > 0 && waited > policy_.contention_limit * elapsed) {
        release();
        ++releases_;
        free_until_ = now + policy_.back_off;
    }
}

} // namespace aie4sim::cosim
