#include "apps/demo_workload.h"

#include "aie_tiles/workload/workload.h"
#include "aie_tiles/workload/workload_json.h"
#include "models/scheduler_config.h"

#include <map>
#include <stdexcept>

namespace aie4sim::apps {

namespace wl = tiles::workload;

DemoWorkloads build_demo_workloads(const models::DeviceConfig& config, unsigned vfs,
                                   const DemoGemm& gemm, const std::filesystem::path& dir) {
    const auto& geometry = config.aie.geometry;
    const wl::GemmSpec spec{gemm.m, gemm.k, gemm.n,
                            gemm.bf16 ? wl::GemmType::bf16_fp32 : wl::GemmType::int8_int32};
    DemoWorkloads out;
    out.useful_ops = 2ULL * gemm.m * gemm.k * gemm.n;
    std::map<unsigned, std::string> by_columns; // one ELF per partition width
    for (unsigned vf = 1; vf <= vfs; ++vf) {
        const unsigned columns =
            models::vf_columns(config.scheduler, vf, config.sriov.total_vfs, geometry.columns)
                .count;
        auto [it, added] = by_columns.emplace(columns, "gemm-" + std::to_string(columns) + "col");
        if (added) {
            wl::WorkloadFiles files;
            files.prefix = (dir / it->second).string();
            files.partition = wl::PartitionShape{columns, geometry.core_rows, geometry.mem_rows};
            try {
                wl::write_workload_files(wl::build_gemm(spec, files.partition), files);
            } catch (const std::exception& e) {
                throw std::runtime_error("the GEMM for a " + std::to_string(columns) +
                                         "-column partition: " + e.what());
            }
            out.files.push_back(PayloadFile{dir / (it->second + ".elf"), it->second + ".elf"});
            out.files.push_back(PayloadFile{dir / (it->second + ".json"), it->second + ".json"});
        }
        out.layout.push_back(it->second + ".json");
    }
    return out;
}

} // namespace aie4sim::apps
