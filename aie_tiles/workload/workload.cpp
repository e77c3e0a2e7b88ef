#include "aie_tiles/workload/workload.h"

#include "aie_tiles/format/geometry.h"

#include <cstdio>
#include <string>
#include <type_traits>
#include <variant>

namespace aie4sim::tiles::workload {

const char* data_type_name(DataType t) {
    switch (t) {
    case DataType::int8:
        return "int8";
    case DataType::int32:
        return "int32";
    case DataType::bf16:
        return "bf16";
    case DataType::fp32:
        return "fp32";
    }
    return "?";
}

unsigned data_type_size(DataType t) {
    switch (t) {
    case DataType::int8:
        return 1;
    case DataType::bf16:
        return 2;
    case DataType::int32:
    case DataType::fp32:
        return 4;
    }
    return 1;
}

std::string kernel_config_json(const Workload& w, const std::string& asm_file,
                               const std::string& kernel) {
    std::string args;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        char offset[16];
        std::snprintf(offset, sizeof offset, "0x%02zx", i * 8);
        args += std::string(i == 0 ? "" : ",") + "{\"name\":\"" + w.buffers[i].name +
                "\",\"type\":\"char *\",\"offset\":\"" + offset + "\"}";
    }
    return "{\"xrt-kernels\":[{\"name\":\"" + kernel + "\",\"arguments\":[" + args +
           "],\"instance\":[{\"id\":\"inst0\",\"ctrl_code_file\":\"" + asm_file + "\"}]}]}\n";
}

const char* buffer_role_name(BufferRole r) {
    switch (r) {
    case BufferRole::input:
        return "input";
    case BufferRole::output:
        return "output";
    case BufferRole::scratch:
        return "scratch";
    }
    return "?";
}

void check_partition(const PartitionShape& part) {
    // A partition without columns or cores would "build" a workload that computes nothing.
    if (part.columns == 0 || part.columns > kMaxColumns) {
        throw BuildError("partition: " + std::to_string(part.columns) + " columns (1.." +
                         std::to_string(kMaxColumns) + ")");
    }
    if (part.core_rows == 0) {
        throw BuildError("partition: no core rows");
    }
}

Workload build_workload(const WorkloadSpec& spec, const PartitionShape& partition,
                        const BuildOptions& options) {
    return std::visit(
        [&](const auto& s) -> Workload {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, GemmSpec>) {
                return build_gemm(s, partition, options);
            } else if constexpr (std::is_same_v<S, EltwiseSpec>) {
                return build_eltwise(s, partition, options);
            } else if constexpr (std::is_same_v<S, SoftmaxSpec>) {
                return build_softmax(s, partition, options);
            } else {
                return build_copy(s, partition, options);
            }
        },
        spec);
}

} // namespace aie4sim::tiles::workload
