#pragma once
// A tile array with simulated host memory in a fresh SystemC context, and AMD control code run on
// it as the device runs it (one job-runner uC per column), for the benchmarks. The tests'
// ArrayBench does the same but reports through Catch2, which a benchmark does not link.

#include "aie_tiles/aie_array.h"
#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/workload/control_elf.h"
#include "testbench/fresh_simulation.h"
#include "testbench/host_memory.h"

#include <chrono>
#include <cstdint>
#include <tlm_utils/simple_initiator_socket.h>
#include <vector>

namespace aie4sim::benchmarks {

class ArrayRig {
public:
    // Nothing drives the array's control socket in a benchmark, but it must be bound.
    struct ControlPort : sc_core::sc_module {
        tlm_utils::simple_initiator_socket<ControlPort> socket{"socket"};
        explicit ControlPort(const sc_core::sc_module_name& n) : sc_module(n) {}
    };

    struct Run {
        tiles::cert::RunResult result;
        double wall_s = 0; // the simulation alone: placing the code is not timed
    };

    explicit ArrayRig(const tiles::ArrayConfig& config)
        : host("host"), array("array", config), control("control") {
        array.host.bind(host.socket);
        control.socket.bind(array.control);
    }

    // Places `code`, patched with the buffers' bus addresses `args` as XRT patches it, at
    // `instructions` in host memory, and runs its uCs on every column until they end.
    Run run_control_code(const tiles::workload::ControlCode& code,
                         const std::vector<std::uint64_t>& args, std::uint64_t instructions) {
        const auto image =
            tiles::workload::patched_image(code, args, array.config().host_address_offset);
        host.write(instructions, image.data(), image.size());
        std::vector<tiles::cert::UcTask> tasks;
        for (const auto& uc : code.ucs) {
            tasks.push_back({uc.index, instructions + uc.offset, {}});
        }
        Run run;
        sc_core::sc_spawn([&] {
            tiles::cert::CertRunner runner(array);
            run.result = runner.run(tasks, 0, array.geometry().columns,
                                    [this](std::uint64_t address, void* data, std::size_t size) {
                                        host.read(address, data, size);
                                        return true;
                                    });
        });
        const auto t0 = std::chrono::steady_clock::now();
        sc_core::sc_start();
        run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return run;
    }

private:
    testing::FreshSimulation fresh_; // first: every module below lives in the fresh context

public:
    testing::HostMemory host;
    tiles::AieArray array;
    ControlPort control;
};

} // namespace aie4sim::benchmarks
