#pragma once
// Example data for a built workload and the check of its result: seeded random inputs in each
// input buffer's device layout, and the expected content of each output buffer computed by
// the CPU references (reference.h). The host model, the guest programs, the tests and
// `aie4sim-workload --data` all use it, so they agree on what a correct run produces.
// Plain C++17.

#include "aie_tiles/workload/workload.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::tiles::workload {

struct WorkloadData {
    std::uint32_t seed = 0;
    // Per buffer, in the buffer's device layout (HostBuffer::bytes()): the input's content,
    // or the expected output; empty for the other role. Padding is zero in both: zero an output
    // buffer before the run, the device leaves its padding alone.
    std::vector<std::vector<std::uint8_t>> inputs;
    std::vector<std::vector<std::uint8_t>> expected;
    // How an output compares: "exact" (byte for byte), or "bf16-relative:<tolerance>" (each
    // bf16 element y passes if |y - e| <= |e| * tolerance, e the expected bf16 element).
    std::string compare;
    // How the inputs were drawn, for the layout file.
    std::string generator;
};

// Inputs: int8 uniformly over all values; bf16 uniformly in [-2, 2) for GEMM and [-8, 8)
// otherwise (std::mt19937 seeded with `seed`, buffer after buffer).
WorkloadData make_workload_data(const Workload& workload, std::uint32_t seed);

// The same for inputs the caller chose (a chain feeds one step's result to the next): `dense`
// holds each input buffer's content as dense rows x cols of its type, and nothing for the
// other buffers. The expected output comes from the same CPU references.
WorkloadData workload_data_for(const Workload& workload,
                               const std::vector<std::vector<std::uint8_t>>& dense);

// "" when output buffer `index` (device layout, `device`) matches; otherwise a message that
// names the first element that does not, and how many differ.
std::string check_output(const Workload& workload, const WorkloadData& data, std::size_t index,
                         const std::uint8_t* device);

} // namespace aie4sim::tiles::workload
