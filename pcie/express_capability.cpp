#include "pcie/express_capability.h"

#include "pcie/config_regs.h"

#include <memory>
#include <utility>

namespace aie4sim::pcie {

using namespace express;

std::uint16_t install_express_capability(CapabilityChain& chain, ConfigSpace& config,
                                         const FunctionConfig& function, FunctionKind kind,
                                         std::function<void()> initiate_flr) {
    const bool vf = kind == FunctionKind::virtual_function;
    const std::uint16_t base = chain.add(reg::kCapExpress, kSize);
    auto at = [base](std::uint16_t off) { return static_cast<std::uint16_t>(base + off); };

    // Capability version 2, device/port type 0 (PCI Express Endpoint).
    config.define(at(kCapabilities), 2, 0x0002);

    // Device Capabilities: Max_Payload_Size Supported, Extended Tag Field Supported (bit 5),
    // L0s/L1 acceptable latency "no limit" (7), Role-Based Error Reporting (bit 15, required
    // since 1.1), and FLR Capability.
    std::uint32_t devcap =
        (function.max_payload_supported & 7u) | (1u << 5) | (7u << 6) | (7u << 9) | (1u << 15);
    if (function.flr) {
        devcap |= kDevCapFlr;
    }
    config.define(at(kDeviceCapabilities), 4, devcap);

    // Device Control. PF: error reporting enables (3:0), Relaxed Ordering (4, default 1),
    // Max_Payload_Size (7:5, preserved by FLR so the hierarchy's MPS stays consistent),
    // Extended Tag (8), No Snoop (11, default 1), Max_Read_Request_Size (14:12, default
    // 512 bytes). A VF has only its own Max_Read_Request_Size, Relaxed Ordering and No Snoop;
    // the rest is RsvdP and follows the PF.
    const std::uint16_t devctl_default = (1u << 4) | (1u << 11) | (2u << 12);
    const std::uint16_t devctl_rw =
        vf ? static_cast<std::uint16_t>((1u << 4) | (1u << 11) | (7u << 12))
           : static_cast<std::uint16_t>(0xFu | (1u << 4) | (7u << 5) | (1u << 8) | (1u << 11) |
                                        (7u << 12));
    const std::uint16_t devctl_flr_keep = vf ? 0 : (7u << 5);
    config.define(at(kDeviceControl), 2, devctl_default, devctl_rw, 0, devctl_flr_keep);
    // Initiate FLR acts on the written bit and always reads 0; the reset itself runs once the
    // write has been committed, so it starts from a consistent register file.
    auto flr_requested = std::make_shared<bool>(false);
    config.add_register(
        at(kDeviceControl), 2,
        [flr = function.flr, flr_requested](const RegisterWrite& w) {
            *flr_requested = flr && (w.written_mask & kDevCtlInitiateFlr) != 0 &&
                             (w.written_bits & kDevCtlInitiateFlr) != 0;
            return w.masked_value & ~std::uint64_t{kDevCtlInitiateFlr};
        },
        [flr_requested, initiate_flr = std::move(initiate_flr)](std::uint64_t, std::uint64_t) {
            if (*flr_requested && initiate_flr) {
                *flr_requested = false;
                initiate_flr();
            }
        });
    // Device Status: Correctable/Non-Fatal/Fatal/Unsupported Request Detected are RW1C.
    config.define(at(kDeviceStatus), 2, 0, 0, 0x000F);

    // Link: 16 GT/s-class capability by default, the negotiated speed and width equal the
    // maximum. Link Control is RsvdP on a VF.
    const std::uint32_t linkcap =
        (function.link.max_speed & 0xFu) | ((function.link.max_width & 0x3Fu) << 4);
    config.define(at(kLinkCapabilities), 4, linkcap);
    // ASPM Control (1:0), Read Completion Boundary (3), Common Clock (6), Extended Synch (7).
    config.define(at(kLinkControl), 2, 0, vf ? 0 : 0x00CB, 0, vf ? 0 : 0x0003);
    config.define(at(kLinkStatus), 2,
                  (function.link.max_speed & 0xFu) | ((function.link.max_width & 0x3Fu) << 4) |
                      (1u << 12)); // Slot Clock Configuration

    // Device Capabilities 2: Completion Timeout Disable Supported (4), Extended Fmt Field
    // Supported (20). Device Control 2: Completion Timeout Value (3:0) and Disable (4).
    config.define(at(kDeviceCapabilities2), 4, (1u << 4) | (1u << 20));
    config.define(at(kDeviceControl2), 2, 0, vf ? 0 : 0x001F);
    // Link Capabilities 2: Supported Link Speeds vector up to the maximum speed.
    const std::uint32_t speeds = ((1u << function.link.max_speed) - 1u) << 1;
    config.define(at(kLinkCapabilities2), 4, speeds);
    // Link Control 2: Target Link Speed (3:0).
    config.define(at(kLinkControl2), 2, vf ? 0 : function.link.max_speed, vf ? 0 : 0x000F);
    return base;
}

} // namespace aie4sim::pcie
