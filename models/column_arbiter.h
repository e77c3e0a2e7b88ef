#pragma once
// Grants ranges of array columns to one command at a time per column, first come first
// served: a request is granted when its columns are free and no earlier waiting request needs
// any of them, so no VF can be starved by a stream of requests that overlap it only partly.

#include <cstdint>
#include <deque>
#include <systemc>
#include <vector>

namespace aie4sim::models {

class ColumnArbiter {
public:
    explicit ColumnArbiter(unsigned columns);

    // Blocks the calling SC_THREAD until [first, first + count) is granted to `owner`.
    // Returns true if any of the columns last ran for a different owner (a context switch).
    bool acquire(unsigned first, unsigned count, std::uint64_t owner);
    void release(unsigned first, unsigned count);

    [[nodiscard]] std::uint64_t grants() const { return grants_; }
    [[nodiscard]] std::uint64_t switches() const { return switches_; }

private:
    struct Waiting {
        std::uint64_t ticket;
        unsigned first;
        unsigned count;
    };
    bool grantable(const Waiting& w) const;

    std::vector<bool> busy_;
    std::vector<std::uint64_t> last_owner_;
    std::deque<Waiting> waiting_;
    std::uint64_t next_ticket_ = 0;
    sc_core::sc_event changed_;
    std::uint64_t grants_ = 0;
    std::uint64_t switches_ = 0;
};

} // namespace aie4sim::models
