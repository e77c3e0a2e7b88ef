#pragma once
// Executes control code (format: aie_tiles/format/control_code_format.h, docs/control-code.md)
// against the array for one partition: columns [first_column, first_column + column_count)
// of the array, which the code addresses as columns 0 .. column_count-1.
//
// The whole program is checked before anything runs: structure (header, opcodes, lengths),
// every address's column against the partition, every WAIT_TOKENS channel against the
// geometry, every PATCH_ADDRESS argument index against `args`. A program that fails these
// checks touches nothing. At run time a write to an unmapped register, a MASKPOLL or
// WAIT_TOKENS that does not complete within its timeout, or an error reported by the
// partition's tiles (a DMA channel halting, a core stopping, a refused register value) ends
// the run with an error status and a message naming the op. Other partitions are never
// touched, and the array stays usable.
//
// Time: each register access costs control_access_cycles; a MASKPOLL reads every
// poll_interval_cycles. run() must be called from a SystemC thread.

#include "aie_tiles/aie_array.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::tiles {

enum class ControlCodeStatus {
    ok,
    format_error,   // malformed program
    address_error,  // address outside the partition, or unmapped
    argument_error, // PATCH_ADDRESS argument index out of range
    timeout,        // MASKPOLL / WAIT_TOKENS did not complete in time
    device_error,   // a tile of the partition reported an error during the run
};

const char* control_code_status_name(ControlCodeStatus status);

struct ControlCodeResult {
    ControlCodeStatus status = ControlCodeStatus::ok;
    std::string error;        // empty on success
    std::uint64_t cycles = 0; // simulated cycles the run took
    std::size_t ops_executed = 0;

    [[nodiscard]] bool ok() const { return status == ControlCodeStatus::ok; }
};

class ControlCodeRunner {
public:
    explicit ControlCodeRunner(AieArray& array) : array_(array) {}

    ControlCodeResult run(const std::uint8_t* code, std::size_t size,
                          const std::vector<std::uint64_t>& args, unsigned first_column,
                          unsigned column_count);
    ControlCodeResult run(const std::vector<std::uint8_t>& code,
                          const std::vector<std::uint64_t>& args, unsigned first_column,
                          unsigned column_count) {
        return run(code.data(), code.size(), args, first_column, column_count);
    }

private:
    AieArray& array_;
};

} // namespace aie4sim::tiles
