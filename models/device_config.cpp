#include "models/device_config.h"

#include "common/config_node.h"

namespace aie4sim::models {

using common::ConfigNode;

namespace {

constexpr std::uint64_t KiB = 1024;

pcie::FunctionConfig default_pf() {
    pcie::FunctionConfig pf;
    pf.identity.vendor_id = 0x1022;
    pf.identity.device_id = 0x17F2;
    pf.identity.revision = 0x10;
    pf.identity.class_code = 0x118000; // signal processing controller, other
    pf.identity.subsystem_vendor_id = 0x1022;
    pf.identity.subsystem_id = 0x17F2;
    pf.bars[0] = {64 * KiB, true, false};  // mailbox registers, MSI-X table and PBA
    pf.bars[2] = {512 * KiB, true, false}; // SRAM: mailbox_info, rings, doorbells
    pf.bars[4] = {64 * KiB, false, false}; // PSP (MPASP) aperture
    pf.bars[5] = {64 * KiB, false, false}; // SMU (MP1) aperture
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
    s.vf.bars[0] = {64 * KiB, true, false};
    s.vf.bars[2] = {512 * KiB, true, false};
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
    root.expect_only({"pcie", "sriov"});
    DeviceConfig c = default_device_config();
    c.origin = origin;
    c.pf = pcie::parse_function_config(root.child("pcie"), c.pf);
    c.sriov = sriov::parse_sriov_config(root.child("sriov"), c.sriov);
    return c;
}

DeviceConfig load_device_config(const std::string& path) {
    if (path.empty()) {
        return default_device_config();
    }
    return parse_device_config(common::parse_config_file(path), path);
}

} // namespace aie4sim::models
