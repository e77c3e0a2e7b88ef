#pragma once
// What the uCs of one command share: the partition, the first failure (which stops them all),
// the remote barriers, the trace events, and the view of every uC that deadlock detection
// needs. Internal to aie_tiles/cert.

#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/format/cert_isa.h"

#include <array>
#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

namespace aie4sim::tiles::cert {

// What deadlock detection asks of a uC.
class UcView {
public:
    // Whether the uC can still move on its own (running, paging, or some job waits for
    // something other than a barrier, or for a barrier that has already opened).
    [[nodiscard]] virtual bool can_progress() const = 0;
    [[nodiscard]] virtual bool finished() const = 0;
    // What its jobs wait for, for the deadlock message.
    [[nodiscard]] virtual std::string describe_wait() const = 0;
    virtual ~UcView() = default;
};

class RunState {
public:
    RunState(AieArray& array, unsigned first_column, unsigned column_count,
             const RunOptions& options);

    AieArray& array() { return array_; }
    [[nodiscard]] unsigned first_column() const { return first_; }
    [[nodiscard]] unsigned column_count() const { return count_; }
    [[nodiscard]] const sc_core::sc_time& wait_timeout() const { return options_.wait_timeout; }
    [[nodiscard]] sc_core::sc_time cycles(std::uint64_t n) { return array_.context().cycles(n); }
    [[nodiscard]] const TimingTable& timing() { return array_.context().timing(); }

    // The first failure wins; every uC stops at its next step.
    void fail(Status status, std::string message);
    [[nodiscard]] bool stopped() const;
    [[nodiscard]] Status status() const { return status_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    // Notified when a remote barrier opens, a uC changes state, or the run fails or is stopped.
    [[nodiscard]] const sc_core::sc_event& changed() const { return changed_; }
    // Notified when the layer above stops the run (never, without a stop signal).
    [[nodiscard]] const sc_core::sc_event& stop_event() const {
        return options_.stop != nullptr ? options_.stop->event : never_;
    }
    void notify_changed() { changed_.notify(sc_core::SC_ZERO_TIME); }

    // A tile of the partition reported an error since the run started: fails the run.
    bool check_device(const std::string& where);

    // Remote barrier `id` (1..64): the column arrives; the barrier opens when every column of
    // `mask` has arrived. Returns the generation to wait past, or fails the run (message in
    // `error`) on a mask that does not name the column or disagrees with earlier arrivals.
    bool arrive_remote(unsigned id, unsigned column, std::uint32_t mask, std::uint64_t& generation,
                       std::string& error);
    [[nodiscard]] bool remote_passed(unsigned id, std::uint64_t generation) const {
        return remote_[id].generation > generation;
    }
    [[nodiscard]] std::string describe_remote(unsigned id) const;

    void add_uc(const UcView* uc) { ucs_.push_back(uc); }
    // Fails the run when no uC can move any more although some have not finished.
    void check_deadlock();

    std::vector<TraceEvent> events;

private:
    struct RemoteBarrier {
        std::uint32_t mask = 0;
        std::uint32_t arrived = 0;
        std::uint64_t generation = 0;
    };

    AieArray& array_;
    unsigned first_;
    unsigned count_;
    RunOptions options_;
    Status status_ = Status::ok;
    std::string error_;
    sc_core::sc_event changed_;
    sc_core::sc_event never_;
    std::vector<std::uint64_t> baseline_;
    std::array<RemoteBarrier, kRemoteBarriers + 1> remote_{};
    std::vector<const UcView*> ucs_;
};

} // namespace aie4sim::tiles::cert
