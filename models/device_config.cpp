#include "models/device_config.h"

#include "common/config_node.h"

namespace aie4sim::models {

using common::ConfigNode;

namespace {

constexpr std::uint64_t kKiB = 1024;

pcie::FunctionConfig default_pf() {
    pcie::FunctionConfig pf;
    pf.identity.vendor_id = 0x1022;
    pf.identity.device_id = 0x17F2;
    pf.identity.revision = 0x10;
    pf.identity.class_code = 0x118000; // signal processing controller, other
    pf.identity.subsystem_vendor_id = 0x1022;
    pf.identity.subsystem_id = 0x17F2;
    pf.bars[0] = {64 * kKiB, true, false};  // mailbox registers, MSI-X table and PBA
    pf.bars[2] = {512 * kKiB, true, false}; // SRAM: mailbox_info, rings, doorbells
    pf.bars[4] = {64 * kKiB, false, false}; // PSP (MPASP) aperture
    pf.bars[5] = {64 * kKiB, false, false}; // SMU (MP1) aperture
    pf.msix = {8, 0, 0x8000, 0, 0x9000};
    pf.ari = true;
    return pf;
}

sriov::SriovConfig default_sriov() {
    sriov::SriovConfig s;
    s.total_vfs = 4;
    s.vf_device_id = 0x17F3;
    s.routing = {1, 1};
    s.ari_routing = {1, 1};
    s.vf.identity.revision = 0x10;
    s.vf.identity.subsystem_id = 0x17F3;
    s.vf.bars[0] = {64 * kKiB, true, false};
    s.vf.bars[2] = {512 * kKiB, true, false};
    s.vf.msix = {8, 0, 0x8000, 0, 0x9000};
    s.vf.power_management = false;
    return s;
}

} // namespace

DeviceConfig default_device_config() {
    DeviceConfig c;
    c.pf = default_pf();
    c.sriov = default_sriov();
    return c;
}

DeviceConfig parse_device_config(const boost::json::value& document, const std::string& origin) {
    const ConfigNode root = ConfigNode::root(document);
    root.expect_only({"pcie", "sriov", "firmware", "aie", "scheduler"});
    DeviceConfig c = default_device_config();
    c.origin = origin;
    c.pf = pcie::parse_function_config(root.child("pcie"), c.pf);
    c.sriov = sriov::parse_sriov_config(root.child("sriov"), c.sriov);
    c.firmware = parse_firmware_config(root.child("firmware"), c.firmware);
    c.aie = tiles::parse_array_config(root.child("aie"));
    c.scheduler = parse_scheduler_config(root.child("scheduler"), c.scheduler, c.sriov.total_vfs,
                                         c.aie.geometry.columns);
    validate_device_config(c);
    return c;
}

void validate_device_config(const DeviceConfig& c) {
    auto reject = [](const std::string& field, const std::string& why) {
        throw common::ConfigError("config: " + field + ": " + why);
    };
    const std::uint64_t bar2_needed =
        layout::kDoorbellBase + std::uint64_t{c.firmware.max_contexts} * layout::kDoorbellStride;
    const struct {
        const char* path;
        const pcie::BarLayout& bars;
        const pcie::MsixConfig& msix;
    } functions[] = {{"pcie", c.pf.bars, c.pf.msix},
                     {"sriov.vf", c.sriov.vf.bars, c.sriov.vf.msix}};
    for (const auto& f : functions) {
        const std::string bars = std::string(f.path) + (f.path[0] == 'p' ? ".bars" : "_bars");
        if (f.bars[0].size < 0x10000) {
            reject(bars + "[index 0].size", "BAR0 holds the mailbox registers, the MSI-X table "
                                            "and the test block: at least 64 KiB");
        }
        if (f.bars[2].size < bar2_needed) {
            reject(bars + "[index 2].size",
                   "BAR2 holds the mailbox SRAM and " + std::to_string(c.firmware.max_contexts) +
                       " doorbell pages: at least " + std::to_string(bar2_needed) + " bytes");
        }
        if (f.msix.vectors < 2) {
            reject(std::string(f.path) + (f.path[0] == 'p' ? ".msix.vectors" : "_msix.vectors"),
                   "one vector for the mailbox and at least one for job completion");
        }
        if (f.msix.table_bar == 0 && f.msix.table_offset < layout::kMailboxRegisters + 0x100) {
            reject(std::string(f.path) + ".msix.table_offset", "overlaps the mailbox registers");
        }
    }
    if (!c.pf.bars[4].implemented() || !c.pf.bars[5].implemented() || c.pf.bars[4].is_64bit) {
        reject("pcie.bars", "the PF needs BAR4 (PSP) and BAR5 (SMU), both 32-bit");
    }
}

DeviceConfig load_device_config(const std::string& path) {
    if (path.empty()) {
        DeviceConfig c = default_device_config();
        validate_device_config(c);
        return c;
    }
    return parse_device_config(common::parse_config_file(path), path);
}

} // namespace aie4sim::models
