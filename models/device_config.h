#pragma once
// The one device description: every identity and resource parameter of the emulated AIE4 NPU.
// Built-in defaults are what the amdxdna driver expects of an AIE4 "NPU3" function; a JSON
// file overrides any of them. Unknown or invalid settings are rejected naming the field.

#include "aie_tiles/array_config.h"
#include "models/firmware/firmware_config.h"
#include "models/scheduler_config.h"
#include "pcie/function_config.h"
#include "sriov/sriov_config.h"

#include <boost/json/value.hpp>
#include <string>

namespace aie4sim::models {

struct DeviceConfig {
    pcie::FunctionConfig pf;
    sriov::SriovConfig sriov;
    FirmwareConfig firmware;
    tiles::ArrayConfig aie;
    SchedulerConfig scheduler;
    std::string origin = "built-in defaults";
};

// Where the device's register blocks sit in each function's BARs.
namespace layout {
inline constexpr std::uint64_t kMailboxRegisters = 0x0000; // BAR0
inline constexpr std::uint64_t kSramSize = 0x10000;        // BAR2: mailbox_info and the rings
inline constexpr std::uint32_t kDoorbellBase = 0x10000;    // BAR2: one page per context
inline constexpr std::uint32_t kDoorbellStride = 0x1000;
} // namespace layout

// AIE4 NPU3: vendor 0x1022, PF 0x17F2, VF 0x17F3, revision 0x10, class 0x118000; PF BARs
// 0 (mailbox registers), 2 (SRAM: mailbox_info, rings, doorbells), 4 (PSP), 5 (SMU); VF BARs
// 0 and 2; TotalVFs 4; 8 MSI-X vectors per function; a 3-column array.
DeviceConfig default_device_config();
DeviceConfig parse_device_config(const boost::json::value& document, const std::string& origin);
// An empty path gives the defaults.
DeviceConfig load_device_config(const std::string& path);
// Checks what the device needs of the generic parts (BAR sizes for its register blocks, MSI-X
// vectors for mailbox and job completion); throws common::ConfigError naming the field.
void validate_device_config(const DeviceConfig& config);

} // namespace aie4sim::models
