#include "aie_tiles/host/workload.h"

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
