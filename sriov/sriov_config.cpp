#include "sriov/sriov_config.h"

namespace aie4sim::sriov {

using common::ConfigError;
using common::ConfigNode;

namespace {

VfRouting parse_routing(const ConfigNode& node, const VfRouting& defaults) {
    node.expect_only({"first_vf_offset", "vf_stride"});
    VfRouting r = defaults;
    r.first_vf_offset = static_cast<std::uint16_t>(
        node.get_uint("first_vf_offset", r.first_vf_offset, 1, kMaxRoutingOffset));
    r.vf_stride =
        static_cast<std::uint16_t>(node.get_uint("vf_stride", r.vf_stride, 1, kMaxRoutingOffset));
    return r;
}

} // namespace

SriovConfig parse_sriov_config(const ConfigNode& node, const SriovConfig& defaults) {
    node.expect_only({"total_vfs", "vf_device_id", "routing", "ari_routing", "supported_page_sizes",
                      "vf_revision", "vf_subsystem_id", "vf_bars", "vf_msix", "vf_flr",
                      "vf_power_management"});
    SriovConfig c = defaults;
    c.total_vfs = static_cast<unsigned>(node.get_uint("total_vfs", c.total_vfs, 1, 255));
    c.vf_device_id =
        static_cast<std::uint16_t>(node.get_uint("vf_device_id", c.vf_device_id, 0, 0xFFFE));
    c.routing = parse_routing(node.child("routing"), c.routing);
    c.ari_routing = parse_routing(node.child("ari_routing"), c.ari_routing);
    c.supported_page_sizes = static_cast<std::uint32_t>(
        node.get_uint("supported_page_sizes", c.supported_page_sizes, 1, 0xFFFFFFFF));
    c.vf.identity.revision =
        static_cast<std::uint8_t>(node.get_uint("vf_revision", c.vf.identity.revision, 0, 0xFF));
    c.vf.identity.subsystem_id = static_cast<std::uint16_t>(
        node.get_uint("vf_subsystem_id", c.vf.identity.subsystem_id, 0, 0xFFFF));
    c.vf.bars = pcie::parse_bar_layout(node, "vf_bars", c.vf.bars);
    c.vf.msix = pcie::parse_msix_config(node.child("vf_msix"), c.vf.msix);
    c.vf.flr = node.get_bool("vf_flr", c.vf.flr);
    c.vf.power_management = node.get_bool("vf_power_management", c.vf.power_management);
    validate_sriov_config(c, node.path());
    return c;
}

void validate_sriov_config(const SriovConfig& c, const std::string& path) {
    auto reject = [&path](const std::string& field, const std::string& message) {
        throw ConfigError("config: " + path + "." + field + ": " + message);
    };
    for (const auto& [name, r] :
         {std::pair<const char*, VfRouting>{"routing", c.routing},
          std::pair<const char*, VfRouting>{"ari_routing", c.ari_routing}}) {
        const unsigned last = r.first_vf_offset + (c.total_vfs - 1) * r.vf_stride;
        if (last > kMaxRoutingOffset) {
            reject(std::string(name), "with total_vfs " + std::to_string(c.total_vfs) +
                                          " the last VF would be at routing offset " +
                                          std::to_string(last) + ", beyond one bus (255)");
        }
    }
    if ((c.supported_page_sizes & 0x553) != 0x553) {
        reject("supported_page_sizes",
               "must include the page sizes the SR-IOV specification requires (0x553)");
    }
    bool any_bar = false;
    for (unsigned i = 0; i < pcie::kBarCount; ++i) {
        const pcie::BarConfig& b = c.vf.bars[i];
        if (b.implemented() && b.size < 4096) {
            reject("vf_bars[index " + std::to_string(i) + "].size",
                   "a VF BAR must be at least one 4 KiB page");
        }
        any_bar = any_bar || b.implemented();
    }
    if (!any_bar) {
        reject("vf_bars", "a VF needs at least one BAR");
    }
    pcie::validate_bars(c.vf.bars, path + ".vf");
    pcie::validate_msix(c.vf.msix, c.vf.bars, path + ".vf");
}

pcie::FunctionConfig vf_function_config(const SriovConfig& sriov, const pcie::FunctionConfig& pf) {
    pcie::FunctionConfig vf = sriov.vf;
    vf.identity.vendor_id = pf.identity.vendor_id;
    vf.identity.device_id = sriov.vf_device_id;
    vf.identity.class_code = pf.identity.class_code;
    vf.identity.subsystem_vendor_id = pf.identity.subsystem_vendor_id;
    vf.link = pf.link;
    vf.max_payload_supported = pf.max_payload_supported;
    vf.ari = pf.ari;
    return vf;
}

} // namespace aie4sim::sriov
