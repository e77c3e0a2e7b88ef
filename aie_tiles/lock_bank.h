#pragma once
// The locks of one tile: AIE-ML/AIE4 semaphores holding a value in -64..63 (reference §2).
//   acquire-greater-or-equal(v): wait until value >= v, then value -= v
//   acquire-equal(v):            wait until value == v (the value is left unchanged)
//   release(v):                  value += v
// An operation whose result would leave -64..63 is refused: the value is unchanged, the lock's
// sticky error bit is set and the caller gets range_error (DMA channels and cores turn that into
// an error event). It is never wrapped or clamped silently.
//
// Blocked acquirers wait in arrival order. Whenever a lock's value changes, the waiters are
// examined in that order and every one whose condition holds is granted at once (its effect
// applied before the next is examined): first fit, so a small request may pass a larger one
// that still cannot be served, but among requests that can be served the older wins.

#include "aie_tiles/array_context.h"

#include <cstdint>
#include <list>
#include <systemc>
#include <vector>

namespace aie4sim::tiles {

class LockBank {
public:
    enum class Result { granted, blocked, range_error, aborted };

    explicit LockBank(unsigned count);

    [[nodiscard]] unsigned size() const { return static_cast<unsigned>(values_.size()); }
    [[nodiscard]] int value(unsigned id) const { return values_[id]; }

    // Register write of LOCKn_VALUE: false (and nothing changes) when v is outside -64..63.
    bool set_value(unsigned id, int v);
    // Non-blocking request (the request window): granted, blocked or range_error.
    Result try_acquire(unsigned id, bool equal, int v);
    Result release(unsigned id, int v);
    // Blocking acquire from a SystemC thread: granted, range_error or aborted (tile reset).
    Result acquire(unsigned id, bool equal, int v, const AbortCheck& abort);

    // Sticky error bits (one per lock), cleared by writing 1s.
    [[nodiscard]] std::uint64_t error_bits() const { return error_bits_; }
    void clear_error_bits(std::uint64_t mask) { error_bits_ &= ~mask; }

    // Values to 0, error bits cleared, every waiter woken with `aborted`.
    void reset();

    // Adds every lock's value to a waveform, as signals `prefix`.lockN.
    void trace(sc_core::sc_trace_file* file, const std::string& prefix) const;

private:
    struct Waiter {
        bool equal = false;
        int v = 0;
        bool done = false;
        Result result = Result::blocked;
        sc_core::sc_event event;
    };

    // Applies the request if its condition holds: granted, blocked or range_error.
    Result attempt(unsigned id, bool equal, int v);
    void service(unsigned id);

    std::vector<int> values_;
    std::vector<std::list<Waiter*>> waiters_;
    std::uint64_t error_bits_ = 0;
};

} // namespace aie4sim::tiles
