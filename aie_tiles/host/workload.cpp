#include "aie_tiles/host/workload.h"

#include <cstdio>

namespace aie4sim::tiles::host {

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

} // namespace aie4sim::tiles::host
