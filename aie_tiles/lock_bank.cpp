#include "aie_tiles/lock_bank.h"

#include "aie_tiles/format/register_map.h"

namespace aie4sim::tiles {

namespace {

bool in_range(int v) {
    return v >= kLockMin && v <= kLockMax;
}

} // namespace

LockBank::LockBank(unsigned count) : values_(count, 0), waiters_(count) {}

bool LockBank::set_value(unsigned id, int v) {
    if (!in_range(v)) {
        error_bits_ |= std::uint64_t{1} << id;
        return false;
    }
    values_[id] = v;
    service(id);
    return true;
}

LockBank::Result LockBank::attempt(unsigned id, bool equal, int v) {
    int& value = values_[id];
    if (equal) {
        return value == v ? Result::granted : Result::blocked;
    }
    if (value < v) {
        return Result::blocked;
    }
    if (!in_range(value - v)) {
        error_bits_ |= std::uint64_t{1} << id;
        return Result::range_error;
    }
    value -= v;
    return Result::granted;
}

LockBank::Result LockBank::try_acquire(unsigned id, bool equal, int v) {
    const Result r = attempt(id, equal, v);
    if (r == Result::granted && !equal) {
        service(id); // a negative v raises the value and may satisfy waiters
    }
    return r;
}

LockBank::Result LockBank::release(unsigned id, int v) {
    const int result = values_[id] + v;
    if (!in_range(result)) {
        error_bits_ |= std::uint64_t{1} << id;
        return Result::range_error;
    }
    values_[id] = result;
    service(id);
    return Result::granted;
}

void LockBank::service(unsigned id) {
    auto& queue = waiters_[id];
    bool changed = true;
    // Granting an acquire with a negative value raises the lock and can satisfy a waiter
    // examined earlier, so sweep until nothing changes.
    while (changed) {
        changed = false;
        for (auto it = queue.begin(); it != queue.end();) {
            Waiter* w = *it;
            const Result r = attempt(id, w->equal, w->v);
            if (r == Result::blocked) {
                ++it;
                continue;
            }
            w->done = true;
            w->result = r;
            w->event.notify(sc_core::SC_ZERO_TIME);
            it = queue.erase(it);
            changed = changed || (r == Result::granted && !w->equal && w->v < 0);
        }
    }
}

LockBank::Result LockBank::acquire(unsigned id, bool equal, int v, const AbortCheck& abort) {
    if (abort.aborted()) {
        return Result::aborted;
    }
    const Result first = try_acquire(id, equal, v);
    if (first != Result::blocked) {
        return first;
    }
    Waiter w;
    w.equal = equal;
    w.v = v;
    waiters_[id].push_back(&w);
    while (!w.done) {
        if (!abort.wait_event(w.event)) {
            if (!w.done) {
                waiters_[id].remove(&w);
            }
            return Result::aborted;
        }
    }
    return w.result;
}

void LockBank::reset() {
    for (unsigned id = 0; id < values_.size(); ++id) {
        values_[id] = 0;
        for (Waiter* w : waiters_[id]) {
            w->done = true;
            w->result = Result::aborted;
            w->event.notify(sc_core::SC_ZERO_TIME);
        }
        waiters_[id].clear();
    }
    error_bits_ = 0;
}

void LockBank::trace(sc_core::sc_trace_file* file, const std::string& prefix) const {
    for (std::size_t id = 0; id < values_.size(); ++id) {
        sc_core::sc_trace(file, values_[id], prefix + ".lock" + std::to_string(id));
    }
}

} // namespace aie4sim::tiles
