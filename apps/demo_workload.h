#pragma once
// The demo's GEMM as XRT runs it: built on the host by the workload builder for each distinct
// partition the VFs see (all of the array under time sharing, a slice under spatial
// scheduling), assembled by the real aiebu-asm into the ELF XRT loads, and shipped into the
// guest with its layout file (/aie4sim/files/gemm-<N>col.{elf,json}).

#include "apps/guest_launcher.h"
#include "models/device_config.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace aie4sim::apps {

struct DemoGemm {
    std::uint32_t m = 256, k = 256, n = 256;
    bool bf16 = false;
};

struct DemoWorkloads {
    std::vector<PayloadFile> files;  // ELFs and layout files for the guest
    std::vector<std::string> layout; // per VF (VF1 first): its layout file's name in the guest
    std::uint64_t useful_ops = 0;    // 2 M K N
};

// Writes the files into `dir`. Throws std::runtime_error (the builder's or the assembler's
// message) when the GEMM cannot be built for a VF's partition.
DemoWorkloads build_demo_workloads(const models::DeviceConfig& config, unsigned vfs,
                                   const DemoGemm& gemm, const std::filesystem::path& dir);

} // namespace aie4sim::apps
