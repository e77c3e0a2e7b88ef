#pragma once
// Services every part of the array shares: configuration, cycle <-> time conversion, the
// per-column error log the layer above reads, and the reset domains that let a column reset
// abort whatever its DMA channels and cores are waiting for.

#include "aie_tiles/array_config.h"
#include "aie_tiles/array_observer.h"

#include <cstdint>
#include <deque>
#include <string>
#include <systemc>
#include <vector>

namespace aie4sim::tiles {

// The current simulated time, by value: sc_time_stamp() returns a reference to the clock,
// which moves on, so a saved start time must be a copy.
inline sc_core::sc_time simulation_now() {
    return sc_core::sc_time_stamp();
}

// An error a DMA channel, core, lock or register write reported.
struct ArrayError {
    unsigned column = 0; // array-relative
    unsigned row = 0;
    std::string source; // "mm2s0", "s2mm1", "core", "lock 3", "register"
    std::string message;
    sc_core::sc_time time;
};

// A tile's reset domain: reset_columns() bumps the epoch and notifies the event, and every
// blocking wait in the tile also waits on that event and gives up when the epoch moved.
class ResetDomain {
public:
    [[nodiscard]] std::uint64_t epoch() const { return epoch_; }
    [[nodiscard]] const sc_core::sc_event& event() const { return event_; }
    void trigger() {
        ++epoch_;
        event_.notify(sc_core::SC_ZERO_TIME);
    }

private:
    std::uint64_t epoch_ = 0;
    sc_core::sc_event event_;
};

// A snapshot of a domain's epoch: aborted() once the domain was reset after the snapshot.
class AbortCheck {
public:
    explicit AbortCheck(const ResetDomain& d) : domain_(&d), epoch_(d.epoch()) {}
    [[nodiscard]] bool aborted() const { return domain_->epoch() != epoch_; }
    [[nodiscard]] const sc_core::sc_event& event() const { return domain_->event(); }

    // Waits `t` unless the domain is reset first; false when aborted.
    bool wait_for(const sc_core::sc_time& t) const {
        if (aborted()) {
            return false;
        }
        if (t != sc_core::SC_ZERO_TIME) {
            sc_core::wait(t, domain_->event());
        }
        return !aborted();
    }
    // Waits for `e` or a reset; false when aborted.
    bool wait_event(const sc_core::sc_event& e) const {
        if (aborted()) {
            return false;
        }
        sc_core::wait(e | domain_->event());
        return !aborted();
    }

private:
    const ResetDomain* domain_;
    std::uint64_t epoch_;
};

class ArrayContext {
public:
    explicit ArrayContext(const ArrayConfig& config);

    [[nodiscard]] const ArrayConfig& config() const { return config_; }
    [[nodiscard]] const TimingTable& timing() const { return config_.timing; }
    [[nodiscard]] const Geometry& geometry() const { return config_.geometry; }

    // One clock period, rounded to the simulation's time resolution.
    [[nodiscard]] const sc_core::sc_time& cycle() const { return cycle_; }
    [[nodiscard]] sc_core::sc_time cycles(std::uint64_t n) const {
        return sc_core::sc_time::from_value(cycle_.value() * n);
    }
    [[nodiscard]] std::uint64_t to_cycles(const sc_core::sc_time& t) const {
        return (t.value() + cycle_.value() / 2) / cycle_.value();
    }
    // Cycles to move `bytes` at `bytes_per_cycle`, rounded up.
    [[nodiscard]] static std::uint64_t transfer_cycles(std::uint64_t bytes,
                                                       std::uint64_t bytes_per_cycle) {
        return (bytes + bytes_per_cycle - 1) / bytes_per_cycle;
    }

    void report_error(unsigned column, unsigned row, std::string source, std::string message);
    // Errors ever reported in the column: only grows, so a waiter can tell "new since".
    [[nodiscard]] std::uint64_t error_count(unsigned column) const;
    // Errors reported since the column's last reset.
    [[nodiscard]] std::uint64_t active_error_count(unsigned column) const;
    // The most recent active errors (at most error_log_depth), oldest first.
    [[nodiscard]] std::vector<ArrayError> errors(unsigned column) const;
    void clear_errors(unsigned column);
    // Notified (delta) whenever any column records an error.
    [[nodiscard]] const sc_core::sc_event& error_event() const { return error_event_; }
    // Notified (delta) whenever any DMA channel issues a task-completion token.
    [[nodiscard]] const sc_core::sc_event& token_event() const { return token_event_; }
    void notify_token() { token_event_.notify(sc_core::SC_ZERO_TIME); }
    // Who watches the array's work (timelines); null when nobody does.
    [[nodiscard]] ArrayObserver* observer() const { return observer_; }
    void set_observer(ArrayObserver* observer) { observer_ = observer; }

private:
    struct ColumnErrors {
        std::uint64_t count = 0;
        std::uint64_t count_at_clear = 0;
        std::deque<ArrayError> recent;
    };

    ArrayConfig config_;
    sc_core::sc_time cycle_;
    std::vector<ColumnErrors> errors_;
    sc_core::sc_event error_event_;
    sc_core::sc_event token_event_;
    ArrayObserver* observer_ = nullptr;
};

} // namespace aie4sim::tiles
