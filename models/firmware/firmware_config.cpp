#include "models/firmware/firmware_config.h"

namespace aie4sim::models {

namespace {
sc_core::sc_time micros(const common::ConfigNode& node, const char* key, sc_core::sc_time fallback,
                        double max_us) {
    const double us = node.get_double(key, fallback.to_seconds() * 1e6, 0.0, max_us);
    return sc_core::sc_time(us, sc_core::SC_US);
}
} // namespace

FirmwareConfig parse_firmware_config(const common::ConfigNode& node, const FirmwareConfig& d) {
    node.expect_only({"protocol_major", "protocol_minor", "aie_major", "aie_minor", "boot_us",
                      "message_us", "flr_recovery_us", "psp_command_us", "max_contexts"});
    FirmwareConfig c = d;
    c.protocol_major =
        static_cast<std::uint32_t>(node.get_uint("protocol_major", d.protocol_major, 0, 0xFFFF));
    c.protocol_minor =
        static_cast<std::uint32_t>(node.get_uint("protocol_minor", d.protocol_minor, 0, 0xFFFF));
    c.aie_major = static_cast<std::uint16_t>(node.get_uint("aie_major", d.aie_major, 0, 0xFFFF));
    c.aie_minor = static_cast<std::uint16_t>(node.get_uint("aie_minor", d.aie_minor, 0, 0xFFFF));
    // The driver polls valid for 1 s after START and after creating VFs: stay well inside.
    c.boot_time = micros(node, "boot_us", d.boot_time, 500000);
    c.message_time = micros(node, "message_us", d.message_time, 1000000);
    c.flr_recovery = micros(node, "flr_recovery_us", d.flr_recovery, 500000);
    c.psp_command_time = micros(node, "psp_command_us", d.psp_command_time, 500000);
    c.max_contexts = static_cast<unsigned>(node.get_uint("max_contexts", d.max_contexts, 1, 64));
    return c;
}

} // namespace aie4sim::models
