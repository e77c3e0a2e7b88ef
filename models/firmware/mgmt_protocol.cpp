#include "models/firmware/mgmt_protocol.h"

namespace aie4sim::models::mgmt {

namespace {

constexpr OpcodeInfo kOpcodes[] = {
    {kEcho, "ECHO", 8, 12},
    {kIdentify, "IDENTIFY", 4, 20},
    {kSuspend, "SUSPEND", 4, 4},
    {kAsyncEvent, "ASYNC_EVENT", 16, 8},
    {kGetTelemetry, "GET_TELEMETRY", 24, 4},
    {kSetRuntimeConfig, "SET_RUNTIME_CONFIG", 12, 4},
    {kCalibrateClock, "CALIBRATE_CLOCK", 8, 4},
    {kAttachWorkBuffer, "ATTACH_WORK_BUFFER", 16, 4},
    {kReleaseWorkBuffer, "RELEASE_WORK_BUFFER", 4, 4},
    {kQueryCertFirmwareVersion, "QUERY_CERT_FIRMWARE_VERSION", 4, 60},
    {kCreateVfs, "CREATE_VFS", 4, 4},
    {kDestroyVfs, "DESTROY_VFS", 4, 4},
    {kConfigureVf, "CONFIGURE_VF", 4, 4},
    {kCreatePartition, "CREATE_PARTITION", 8, 8},
    {kDestroyPartition, "DESTROY_PARTITION", 4, 4},
    {kCreateHwContext, "CREATE_HW_CONTEXT", 24, 16},
    {kDestroyHwContext, "DESTROY_HW_CONTEXT", 8, 4},
    {kConfigureHwContext, "CONFIGURE_HW_CONTEXT", 84, 4},
    {kAieTileInfo, "AIE_TILE_INFO", 4, 48},
    {kAieVersionInfo, "AIE_VERSION_INFO", 4, 8},
    {kAieColumnInfo, "AIE_COLUMN_INFO", 24, 8},
    {kGetDpmFreqTable, "GET_DPM_FREQ_TABLE", 4, 92},
};

} // namespace

const OpcodeInfo* find_opcode(std::uint32_t opcode) {
    for (const OpcodeInfo& o : kOpcodes) {
        if (o.opcode == opcode) {
            return &o;
        }
    }
    return nullptr;
}

const char* opcode_name(std::uint32_t opcode) {
    const OpcodeInfo* o = find_opcode(opcode);
    return o != nullptr ? o->name : "unknown";
}

} // namespace aie4sim::models::mgmt
