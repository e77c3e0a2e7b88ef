#pragma once
// The firmware model's parameters (the "firmware" section of the device description).

#include "common/config_node.h"

#include <cstdint>
#include <systemc>

namespace aie4sim::models {

struct FirmwareConfig {
    // mailbox_info protocol: the 7.3.4 driver accepts major 5 with minor >= 10.
    std::uint32_t protocol_major = 5;
    std::uint32_t protocol_minor = 10;
    // AIE_VERSION_INFO
    std::uint16_t aie_major = 4;
    std::uint16_t aie_minor = 0;
    // Simulated durations
    sc_core::sc_time boot_time{200, sc_core::SC_US};  // PSP START until valid = 1
    sc_core::sc_time message_time{2, sc_core::SC_US}; // one mailbox message
    sc_core::sc_time flr_recovery{5, sc_core::SC_MS}; // FLR until valid = 1 again
    sc_core::sc_time psp_command_time{50, sc_core::SC_US};
    // Hardware contexts a function may hold (one doorbell page each).
    unsigned max_contexts = 16;
};

FirmwareConfig parse_firmware_config(const common::ConfigNode& node,
                                     const FirmwareConfig& defaults);

} // namespace aie4sim::models
