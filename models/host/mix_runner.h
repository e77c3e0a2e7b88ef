#pragma once
// Runs a workload mix (workload_mix.h) on every VF through the whole device, as XRT programs
// would: per VF one hardware context and its queue 1.0; each workload built for the VF's
// partition by the workload builder, assembled by the real aiebu-asm into control code, loaded
// and patched as XRT does; jobs submitted as START_DPU commands when the VF's arrival pattern
// says, element-wise chains as one runlist, the transformer block step by step (the host turns
// each fp32 result into the next step's bf16 input). Every command's output is checked against
// the CPU references; a chain step's reference is computed from what the step was given.
// The host's own work (data conversion, checking) takes no simulated time.

#include "models/device_config.h"
#include "models/host/host_driver.h"
#include "models/host/workload_mix.h"

#include <cstdint>
#include <string>
#include <systemc>
#include <vector>

namespace aie4sim::models::host {

struct CommandRecord {
    std::string job; // the job's name (JobSpec::name)
    std::string op;  // the step's workload ("gemm_bf16_fp32 64x64x64", ...)
    std::uint64_t job_index = 0;
    sc_core::sc_time arrived;   // when its job arrived (closed loop: when the job started)
    sc_core::sc_time submitted; // when the host rang the doorbell for it
    sc_core::sc_time started;   // when it started on the columns (the device's trace record)
    sc_core::sc_time finished;  // when it left them
    sc_core::sc_time completed; // when the host saw read_index pass it
    std::uint64_t ops = 0;      // useful operations (2MNK for a GEMM, elements otherwise)
    std::uint64_t cycles = 0;
    bool ok = false; // ERT COMPLETED and the output matched the reference
    std::string error;
};

struct JobRecord {
    std::string name;
    std::uint64_t index = 0;
    sc_core::sc_time arrived;
    sc_core::sc_time completed;
    unsigned commands = 0;
    bool ok = false;
};

struct VfMixResult {
    unsigned vf = 0;
    unsigned columns = 0; // the columns its commands hold (its partition)
    std::string arrival;  // Arrival::describe()
    std::vector<CommandRecord> commands;
    std::vector<JobRecord> jobs;
    std::string error; // the VF could not run its mix at all
};

struct MixResult {
    std::vector<VfMixResult> vfs;
    sc_core::sc_time start; // when the first jobs arrived
    sc_core::sc_time end;   // when the last command completed
};

// Refuses (MixError) a mix that names a VF the run does not have, leaves a VF without
// workloads, or holds a workload the builder cannot map on a VF's partition under `config`.
void check_mix(const WorkloadMix& mix, unsigned vfs, const DeviceConfig& config);

// Runs `mix` on VFs 1..vfs (enabled already); VF n places its host buffers in
// [first_region + (n - 1) * region_bytes, + region_bytes). Call from an SC_THREAD. `seed` draws
// the job choices and the input data, so a run is deterministic. Throws MixError if a VF has no
// workloads or a workload cannot be built for its partition.
MixResult run_mix(HostDriver& driver, const WorkloadMix& mix, unsigned vfs, std::uint32_t seed,
                  std::uint64_t first_region, std::uint64_t region_bytes);

} // namespace aie4sim::models::host
