// Time: the stamp on every message, how far SystemC may run between requests (free mode) or
// when QEMU says (lockstep, SYNC), and the wall-clock alarms of free mode (docs/cosim-time.md).
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"

#include <algorithm>
#include <cmath>

namespace aie4sim::cosim {

using namespace bridge_detail;

std::uint64_t Bridge::now_ns() const {
    return static_cast<std::uint64_t>(std::llround(sc_core::sc_time_stamp().to_seconds() * 1e9));
}

void Bridge::stamp(Message& m) const {
    m.header.time_ns = now_ns();
}

bool Bridge::run_wall_alarms() {
    if (options_.mode != TimeMode::free || options_.wall_alarms == nullptr) {
        return false;
    }
    return options_.wall_alarms->run_due() != 0;
}

std::chrono::nanoseconds Bridge::idle_wait() const {
    std::chrono::nanoseconds wait = std::chrono::seconds(1);
    if (options_.mode == TimeMode::free && options_.wall_alarms != nullptr) {
        if (const auto due = options_.wall_alarms->next_due()) {
            const auto left = *due - common::WallClockAlarms::Clock::now();
            wait = std::clamp<std::chrono::nanoseconds>(
                std::chrono::duration_cast<std::chrono::nanoseconds>(left),
                std::chrono::nanoseconds(0), wait);
        }
    }
    return wait;
}

void Bridge::advance_free() {
    if (sc_core::sc_pending_activity_at_current_time()) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    } else {
        sc_core::sc_start(sc_core::sc_time_to_pending_activity());
    }
}

void Bridge::on_sync(Peer& p, const Message& m) {
    ++counters_.syncs;
    a4s_sync req{};
    if (!m.read_as(req)) {
        reply(p, m, A4S_E_MALFORMED);
        return;
    }
    // Only the host's QEMU sets the pace of simulated time; a guest's SYNC is answered.
    if (options_.mode == TimeMode::lockstep && &p == host_) {
        const sc_core::sc_time target(static_cast<double>(req.time_ns), sc_core::SC_NS);
        if (target > sc_core::sc_time_stamp()) {
            sc_core::sc_start(target - sc_core::sc_time_stamp());
        } else if (sc_core::sc_pending_activity_at_current_time()) {
            sc_core::sc_start(sc_core::SC_ZERO_TIME);
        }
    }
    a4s_sync out{now_ns()};
    reply(p, m, A4S_OK, &out, sizeof out);
}

} // namespace aie4sim::cosim
