#pragma once
// Runs AMD control code (aie_tiles/format/cert_isa.h) on the tile array the way CERT's
// job-runner does: one uC per column of a partition, each paging its control code in from
// host memory, running the jobs of a page cooperatively, writing registers, moving
// descriptors with its uC-DMA, waiting for task-completion tokens, polling, and meeting the
// other uCs at remote barriers. docs/control-code.md is the contract.
//
// Everything that costs time on a real uC costs simulated time here (timing table: uC
// instruction, register access, uC-DMA descriptor, page fetch, poll interval); the uCs of a
// command run concurrently. Nothing hangs: a wait that lasts longer than the configured
// timeout fails the command, barriers that no uC can ever complete fail it at once (deadlock),
// and instructions the model does not emulate are refused with a message that names them.
// run() must be called from a SystemC thread.

#include "aie_tiles/aie_array.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <systemc>
#include <vector>

namespace aie4sim::tiles::cert {

enum class Status {
    ok,
    format_error,   // a page, instruction, job structure or descriptor is malformed
    address_error,  // an address outside the partition, or unmapped
    argument_error, // APPLY_OFFSET_57 names an argument the command does not provide
    timeout,        // a wait (poll, tokens, uC-DMA, barrier) outlasted the configured timeout
    device_error,   // a tile of the partition reported an error during the run
    refused,        // an instruction the model does not emulate (LOAD_PDI, PREEMPT, ...)
    deadlock,       // every remaining job waits on a barrier no uC can complete
    aborted,        // the command was stopped from outside (its context went away)
};
const char* status_name(Status status);

// One uC's part of a command.
struct UcTask {
    unsigned column = 0;             // partition column the uC drives (the packet's uC index)
    std::uint64_t control_code = 0;  // host address of its page 0
    std::vector<std::uint32_t> args; // the command's argument words (APPLY_OFFSET_57)
};

// Host memory as the uC's page fetch sees it (the VF's DMA path).
using HostRead = std::function<bool(std::uint64_t address, void* data, std::size_t size)>;

// Lets the layer above stop a running command (e.g. its context was destroyed).
struct StopSignal {
    bool requested = false;
    sc_core::sc_event event;
    void request() {
        requested = true;
        event.notify(sc_core::SC_ZERO_TIME);
    }
};

// What SAVE_TIMESTAMPS, SAVE_REGISTER and TRACE recorded (the real CERT keeps these in its
// shared data memory for a debug buffer that the 7.3.4 driver cannot attach).
struct TraceEvent {
    unsigned column = 0;
    std::string kind; // "timestamp", "register", "trace"
    std::uint32_t id = 0;
    std::uint32_t value = 0; // SAVE_REGISTER: the value read
    sc_core::sc_time time;
};

struct RunResult {
    Status status = Status::ok;
    std::string error;        // empty on success; names the uC, page, byte and instruction
    std::uint64_t cycles = 0; // array cycles from start to the last uC's end
    std::uint64_t instructions = 0;
    std::uint64_t pages = 0;
    std::vector<TraceEvent> events;

    [[nodiscard]] bool ok() const { return status == Status::ok; }
};

struct RunOptions {
    sc_core::sc_time wait_timeout{1, sc_core::SC_SEC};
    const StopSignal* stop = nullptr;
};

class CertRunner {
public:
    explicit CertRunner(AieArray& array) : array_(array) {}

    // Runs `ucs` on partition columns [first_column, first_column + column_count) of the array
    // (control code addresses partition columns from 0) and returns when every uC has ended.
    RunResult run(const std::vector<UcTask>& ucs, unsigned first_column, unsigned column_count,
                  const HostRead& read, const RunOptions& options = {});

private:
    AieArray& array_;
};

} // namespace aie4sim::tiles::cert
