#pragma once
// Runs a built Workload on an ArrayBench the way a command processor would: places every
// buffer in host memory, writes the (packed) inputs, runs the control code with the buffers'
// bus addresses as arguments, and reads the outputs back.

#include "aie_tiles/control_code_runner.h"
#include "aie_tiles/host/reference.h"
#include "aie_tiles/host/workload.h"
#include "tests/aie_tiles/support/array_bench.h"

#include <cstdint>
#include <vector>

namespace aie4sim::testing {

struct WorkloadRun {
    tiles::ControlCodeResult result;
    std::vector<std::uint64_t> addresses;           // bus address of each buffer
    std::vector<std::vector<std::uint8_t>> outputs; // dense contents of each buffer after the run
};

// Buffers live at 64-bit bus addresses above 4 GiB so that address high words are exercised.
inline std::uint64_t buffer_address(std::size_t index) {
    return 0x1'0000'0000ull + index * 0x1000'0000ull;
}

// `dense_inputs[i]` is the dense content of buffers[i] (ignored for outputs).
inline WorkloadRun run_workload(ArrayBench& bench, const tiles::host::Workload& w,
                                const std::vector<std::vector<std::uint8_t>>& dense_inputs,
                                unsigned first_column = 0, unsigned columns = 0) {
    WorkloadRun run;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const auto& b = w.buffers[i];
        run.addresses.push_back(buffer_address(i));
        if (b.role == tiles::host::BufferRole::input) {
            const auto packed = tiles::host::pack(b, dense_inputs.at(i).data());
            bench.host.write(run.addresses[i], packed.data(), packed.size());
        }
    }
    const unsigned count = columns != 0 ? columns : bench.array->geometry().columns - first_column;
    bench.run([&] {
        tiles::ControlCodeRunner runner(*bench.array);
        run.result = runner.run(w.control_code, run.addresses, first_column, count);
    });
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const auto& b = w.buffers[i];
        std::vector<std::uint8_t> raw(b.bytes());
        bench.host.read(run.addresses[i], raw.data(), raw.size());
        run.outputs.push_back(tiles::host::unpack(b, raw.data()));
    }
    return run;
}

template <typename T> std::vector<std::uint8_t> as_bytes(const std::vector<T>& v) {
    std::vector<std::uint8_t> out(v.size() * sizeof(T));
    std::memcpy(out.data(), v.data(), out.size());
    return out;
}

template <typename T> std::vector<T> from_bytes(const std::vector<std::uint8_t>& v) {
    std::vector<T> out(v.size() / sizeof(T));
    std::memcpy(out.data(), v.data(), out.size() * sizeof(T));
    return out;
}

} // namespace aie4sim::testing
