// The device configuration reader: any text given as a configuration file is either a device
// description that validates, or a ConfigError naming the field (JSON syntax errors included).
// Any other exception escapes and libFuzzer reports it with the input.
#include "common/config_node.h"
#include "common/log.h"
#include "models/device_config.h"

#include <string_view>

// libsystemc calls sc_main from its own main(); libFuzzer brings the main here.
int sc_main(int /*argc*/, char* /*argv*/[]) {
    return 0;
}

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    aie4sim::common::log_configure("off");
    return 0;
}

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const boost::json::value document = aie4sim::common::parse_config_text(text, "fuzz");
        const aie4sim::models::DeviceConfig config =
            aie4sim::models::parse_device_config(document, "fuzz");
        aie4sim::models::validate_device_config(config);
    } catch (const aie4sim::common::ConfigError&) {
        return 0;
    }
    return 0;
}
