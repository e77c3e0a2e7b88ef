#pragma once
// Runs a built Workload on an ArrayBench the way the device does, minus the queue: assembles it
// with the real aiebu-asm, loads the ELF and patches the buffers' addresses into the
// instruction buffer (as XRT does; or, with device_patch, passes them as the argument list for
// the uCs' APPLY_OFFSET_57), places everything in host memory, runs one uC per column with the
// CertRunner and reads the outputs back.

#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/reference.h"
#include "aie_tiles/workload/workload.h"
#include "tests/aie_tiles/support/array_bench.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace aie4sim::testing {

struct WorkloadRun {
    tiles::cert::RunResult result;
    std::vector<std::uint64_t> addresses;           // bus address of each buffer
    std::vector<std::vector<std::uint8_t>> outputs; // dense contents of each buffer after the run
    unsigned pages = 0;
};

// Buffers live at 64-bit bus addresses above 4 GiB so that address high words are exercised.
inline std::uint64_t buffer_address(std::size_t index) {
    return 0x1'0000'0000ull + index * 0x1000'0000ull;
}
inline constexpr std::uint64_t kInstructionAddress = 0x3'0000'0000ull;

// Places control code (an instruction buffer as XRT lays it out) in host memory and runs its
// uCs on columns [first, first + count); `args` become every uC's argument words.
inline tiles::cert::RunResult run_code(ArrayBench& bench, const tiles::workload::ControlCode& code,
                                       const std::vector<std::uint8_t>& image, unsigned first,
                                       unsigned count, const std::vector<std::uint32_t>& args = {},
                                       const tiles::cert::RunOptions& options = {}) {
    bench.host.write(kInstructionAddress, image.data(), image.size());
    std::vector<tiles::cert::UcTask> tasks;
    for (const auto& uc : code.ucs) {
        tasks.push_back({uc.index, kInstructionAddress + uc.offset, args});
    }
    tiles::cert::RunResult result;
    bench.run([&] {
        tiles::cert::CertRunner runner(*bench.array);
        result = runner.run(
            tasks, first, count,
            [&bench](std::uint64_t a, void* d, std::size_t n) {
                bench.host.read(a, d, n);
                return true;
            },
            options);
    });
    return result;
}

// `dense_inputs[i]` is the dense content of buffers[i] (ignored for outputs).
inline WorkloadRun run_workload(ArrayBench& bench, const tiles::workload::Workload& w,
                                const std::vector<std::vector<std::uint8_t>>& dense_inputs,
                                unsigned first_column = 0, unsigned columns = 0,
                                bool device_patch = false) {
    WorkloadRun run;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const auto& b = w.buffers[i];
        run.addresses.push_back(buffer_address(i));
        if (b.role == tiles::workload::BufferRole::input) {
            const auto packed = tiles::workload::pack(b, dense_inputs.at(i).data());
            bench.host.write(run.addresses[i], packed.data(), packed.size());
        }
    }
    const auto elf = tiles::workload::assemble_workload(w);
    const auto code = tiles::workload::load_control_elf(elf.data(), elf.size());
    for (const auto& uc : code.ucs) {
        run.pages += uc.pages;
    }
    std::vector<std::uint32_t> args;
    for (const std::uint64_t a : run.addresses) {
        args.push_back(static_cast<std::uint32_t>(a));
        args.push_back(static_cast<std::uint32_t>(a >> 32));
    }
    const unsigned count = columns != 0 ? columns : bench.array->geometry().columns - first_column;
    const auto image =
        device_patch ? code.image
                     : tiles::workload::patched_image(code, run.addresses,
                                                      bench.array->config().host_address_offset);
    run.result = run_code(bench, code, image, first_column, count,
                          device_patch ? args : std::vector<std::uint32_t>{});
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        const auto& b = w.buffers[i];
        std::vector<std::uint8_t> raw(b.bytes());
        bench.host.read(run.addresses[i], raw.data(), raw.size());
        run.outputs.push_back(tiles::workload::unpack(b, raw.data()));
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
