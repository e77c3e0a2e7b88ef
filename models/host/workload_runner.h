#pragma once
// Runs one workload on one VF through the whole device, as an XRT application on the host
// would: builds it for the VF's view of the array, assembles it with the real aiebu-asm, loads
// the ELF and patches the buffer addresses into the instruction buffer (what XRT does),
// writes the START_DPU command BO, submits the command the shim would make of it (direct for
// one uC, indirect for several) on the VF's queue, waits for it, and checks every output
// against the CPU reference (workload_data.h).

#include "aie_tiles/workload/workload.h"
#include "models/host/host_driver.h"

#include <cstdint>
#include <string>

namespace aie4sim::models::host {

struct WorkloadRequest {
    tiles::workload::WorkloadSpec spec = tiles::workload::GemmSpec{};
    std::uint32_t seed = 1;
    // Leave the instruction buffer unpatched and pass the buffers' addresses as the command's
    // argument list, so that the uCs patch the BDs themselves (APPLY_OFFSET_57) instead of the
    // host (as XRT does).
    bool device_patch = false;
};

struct WorkloadResult {
    std::string op;
    unsigned vf = 0;
    bool completed = false; // the command completed (ERT COMPLETED)
    bool verified = false;  // and its outputs matched the reference
    std::string error;
    std::uint64_t useful_ops = 0;
    std::uint64_t cycles = 0;      // array cycles (trace record)
    sc_core::sc_time submitted;    // when the host rang the doorbell
    sc_core::sc_time started;      // when the command started on the array
    sc_core::sc_time finished;     // when it finished on the array
    sc_core::sc_time completed_at; // when the host saw read_index move
    unsigned columns = 0;          // columns the workload uses (one uC each)
    unsigned visible_columns = 0;  // columns the VF sees (its AIE_TILE_INFO)
    unsigned pages = 0;            // control-code pages over all uCs
    std::string plan;
};

// `base`: where this run may place its buffers in host memory (256 MiB from there).
WorkloadResult run_workload(HostDriver& driver, unsigned vf, const WorkloadRequest& request,
                            std::uint64_t base);

} // namespace aie4sim::models::host
