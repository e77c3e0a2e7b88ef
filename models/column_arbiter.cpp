#include "models/column_arbiter.h"

#include <algorithm>
#include <limits>

namespace aie4sim::models {

ColumnArbiter::ColumnArbiter(unsigned columns)
    : busy_(columns, false), last_owner_(columns, std::numeric_limits<std::uint64_t>::max()) {}

bool ColumnArbiter::grantable(const Waiting& w) const {
    for (unsigned c = w.first; c < w.first + w.count; ++c) {
        if (busy_[c]) {
            return false;
        }
    }
    for (const Waiting& earlier : waiting_) {
        if (earlier.ticket == w.ticket) {
            return true;
        }
        const bool overlap =
            earlier.first < w.first + w.count && w.first < earlier.first + earlier.count;
        if (overlap) {
            return false;
        }
    }
    return true;
}

bool ColumnArbiter::acquire(unsigned first, unsigned count, std::uint64_t owner) {
    const Waiting me{next_ticket_++, first, count};
    waiting_.push_back(me);
    while (!grantable(me)) {
        sc_core::wait(changed_);
    }
    waiting_.erase(std::find_if(waiting_.begin(), waiting_.end(),
                                [&](const Waiting& w) { return w.ticket == me.ticket; }));
    bool switched = false;
    for (unsigned c = first; c < first + count; ++c) {
        busy_[c] = true;
        switched = switched || last_owner_[c] != owner;
        last_owner_[c] = owner;
    }
    ++grants_;
    switches_ += switched ? 1 : 0;
    changed_.notify(sc_core::SC_ZERO_TIME); // later tickets may now be grantable elsewhere
    return switched;
}

void ColumnArbiter::release(unsigned first, unsigned count) {
    for (unsigned c = first; c < first + count; ++c) {
        busy_[c] = false;
    }
    changed_.notify(sc_core::SC_ZERO_TIME);
}

} // namespace aie4sim::models
