#pragma once
// Runs one workload on one VF through the whole device, as an application on the host would:
// builds it for the VF's view of the array, puts the inputs (random, seeded) and the control
// code in host memory, submits one command on the VF's queue, waits for it, and checks the
// output against the CPU reference (bit-exact for int8; within the fp32 summation bound for
// bf16 GEMM).

#include "aie_tiles/host/workload.h"
#include "models/host/host_driver.h"

#include <cstdint>
#include <string>

namespace aie4sim::models::host {

struct WorkloadRequest {
    tiles::host::GemmSpec gemm;
    std::uint32_t seed = 1;
    // Submit in the START_DPU form (the packet names no control code; the command BO's
    // START_DPU payload names the instruction buffer) instead of EXEC_BUF's direct form.
    bool start_dpu = false;
};

struct WorkloadResult {
    std::string op;
    unsigned vf = 0;
    bool completed = false; // the command completed (ERT COMPLETED)
    bool verified = false;  // and its output matched the reference
    std::string error;
    std::uint64_t useful_ops = 0;
    std::uint64_t cycles = 0;      // array cycles (trace record)
    sc_core::sc_time submitted;    // when the host rang the doorbell
    sc_core::sc_time started;      // when the command started on the array
    sc_core::sc_time finished;     // when it finished on the array
    sc_core::sc_time completed_at; // when the host saw read_index move
    unsigned columns = 0;          // columns the workload uses
    unsigned visible_columns = 0;  // columns the VF sees (its AIE_TILE_INFO)
    std::string plan;
};

// `base`: where this run may place its buffers in host memory (256 MiB from there).
WorkloadResult run_gemm(HostDriver& driver, unsigned vf, const WorkloadRequest& request,
                        std::uint64_t base);

} // namespace aie4sim::models::host
