#pragma once
// The one device description: every identity and resource parameter of the emulated AIE4 NPU.
// Built-in defaults are what the amdxdna driver expects of an AIE4 "NPU3" function; a JSON
// file overrides any of them. Unknown or invalid settings are rejected naming the field.

#include "pcie/function_config.h"
#include "sriov/sriov_config.h"

#include <boost/json/value.hpp>

#include <string>

namespace aie4sim::models {

struct DeviceConfig {
    pcie::FunctionConfig pf;
    sriov::SriovConfig sriov;
    std::string origin = "built-in defaults";
};

// AIE4 NPU3: vendor 0x1022, PF 0x17F2, VF 0x17F3, revision 0x10, class 0x118000; PF BARs
// 0 (mailbox registers), 2 (SRAM: mailbox_info, rings, doorbells), 4 (PSP), 5 (SMU); VF BARs
// 0 and 2; TotalVFs 4; 8 MSI-X vectors per function.
DeviceConfig default_device_config();
DeviceConfig parse_device_config(const boost::json::value& document, const std::string& origin);
// An empty path gives the defaults.
DeviceConfig load_device_config(const std::string& path);

} // namespace aie4sim::models
