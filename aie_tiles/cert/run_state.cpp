#include "aie_tiles/cert/run_state.h"

#include "common/hex.h"

namespace aie4sim::tiles::cert {

RunState::RunState(AieArray& array, unsigned first_column, unsigned column_count,
                   const RunOptions& options)
    : array_(array), first_(first_column), count_(column_count), options_(options) {
    for (unsigned c = first_; c < first_ + count_; ++c) {
        baseline_.push_back(array_.error_count(c));
    }
}

void RunState::fail(Status status, std::string message) {
    if (status_ != Status::ok) {
        return;
    }
    status_ = status;
    error_ = std::move(message);
    notify_changed();
}

bool RunState::stopped() const {
    return status_ != Status::ok || (options_.stop != nullptr && options_.stop->requested);
}

bool RunState::check_device(const std::string& where) {
    for (unsigned i = 0; i < count_; ++i) {
        const unsigned col = first_ + i;
        if (array_.error_count(col) == baseline_[i]) {
            continue;
        }
        std::string detail = "an error was reported";
        const auto errs = array_.errors(col);
        const std::uint64_t fresh = array_.error_count(col) - baseline_[i];
        if (!errs.empty()) {
            const ArrayError& e = errs[errs.size() > fresh ? errs.size() - fresh : std::size_t{0}];
            detail = "row " + std::to_string(e.row) + " " + e.source + ": " + e.message;
        }
        std::string message = where;
        message += ": partition column " + std::to_string(i) + ": ";
        message += detail;
        fail(Status::device_error, std::move(message));
        return false;
    }
    return true;
}

bool RunState::arrive_remote(unsigned id, unsigned column, std::uint32_t mask,
                             std::uint64_t& generation, std::string& error) {
    RemoteBarrier& b = remote_[id];
    const std::uint32_t bit = 1u << column;
    const std::uint32_t columns = count_ >= 32 ? ~0u : (1u << count_) - 1;
    if ((mask & bit) == 0) {
        error = "party mask " + common::hex(mask) + " does not include this uC's column " +
                std::to_string(column);
        return false;
    }
    if ((mask & ~columns) != 0) {
        error = "party mask " + common::hex(mask) + " names columns outside the partition's " +
                std::to_string(count_);
        return false;
    }
    if (b.arrived != 0 && b.mask != mask) {
        error = "party mask " + common::hex(mask) + " differs from the " + common::hex(b.mask) +
                " of the columns already waiting";
        return false;
    }
    if ((b.arrived & bit) != 0) {
        error = "column " + std::to_string(column) + " arrives twice before the barrier opened";
        return false;
    }
    b.mask = mask;
    b.arrived |= bit;
    generation = b.generation;
    if (b.arrived == b.mask) {
        b.arrived = 0;
        ++b.generation;
        notify_changed();
    }
    return true;
}

std::string RunState::describe_remote(unsigned id) const {
    const RemoteBarrier& b = remote_[id];
    return "$rb" + std::to_string(id - 1) + " (columns " + common::hex(b.arrived) + " of " +
           common::hex(b.mask) + " arrived)";
}

void RunState::check_deadlock() {
    if (stopped()) {
        return;
    }
    bool all_finished = true;
    for (const UcView* uc : ucs_) {
        if (uc->can_progress()) {
            return;
        }
        all_finished = all_finished && uc->finished();
    }
    if (all_finished) {
        return;
    }
    std::string what;
    for (const UcView* uc : ucs_) {
        what += (what.empty() ? "" : "; ") + uc->describe_wait();
    }
    fail(Status::deadlock, "no uC can go on: " + what);
}

} // namespace aie4sim::tiles::cert
