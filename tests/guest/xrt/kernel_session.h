#pragma once
// One workload on one NPU function through XRT, the way an application uses it:
// xrt::device (by BDF) -> xrt::elf (the workload's ELF) -> xrt::hw_context -> xrt::ext::kernel
// -> one xrt::ext::bo per kernel argument -> xrt::run (set_arg, start, wait2). Nothing of the
// project's sits between XRT and the amdxdna driver.

#include "workload_layout.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#include <xrt/experimental/xrt_elf.h>
#include <xrt/experimental/xrt_ext.h>
#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_hw_context.h>
#include <xrt/xrt_kernel.h>

namespace xrt_programs {

// The exit status of a program whose run did not complete in time.
inline constexpr int kExitTimeout = 124;

class KernelSession {
public:
    KernelSession(const std::string& bdf, const WorkloadLayout& layout);

    // The host view of argument `index`'s buffer (layout bytes long).
    std::uint8_t* data(unsigned index);
    void to_device(unsigned index);
    void from_device(unsigned index);

    // Runs the kernel once and waits for it with `timeout`; the wall time in milliseconds from
    // start to completion. Throws xrt::run::command_error when the run ends in another state
    // than COMPLETED; ends the process with kExitTimeout when it does not end within `timeout`.
    double run_once(std::chrono::milliseconds timeout);

    const std::string& device_name() const { return device_name_; }

private:
    const WorkloadLayout& layout_;
    xrt::device device_;
    std::string device_name_;
    xrt::elf elf_;
    xrt::hw_context context_;
    xrt::ext::kernel kernel_;
    std::vector<xrt::ext::bo> buffers_;
    xrt::run run_;
    unsigned runs_ = 0;
};

// The command state's name as xrt::run reports it (ERT_CMD_STATE_...).
std::string state_name(ert_cmd_state state);

} // namespace xrt_programs
