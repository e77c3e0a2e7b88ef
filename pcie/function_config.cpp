#include "pcie/function_config.h"

namespace aie4sim::pcie {

using common::ConfigError;
using common::ConfigNode;

namespace {

[[noreturn]] void reject(const std::string& field, const std::string& message) {
    throw ConfigError("config: " + field + ": " + message);
}

bool is_power_of_two(std::uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

} // namespace

std::uint64_t msix_table_bytes(unsigned vectors) {
    return std::uint64_t{vectors} * 16;
}
std::uint64_t msix_pba_bytes(unsigned vectors) {
    return ((std::uint64_t{vectors} + 63) / 64) * 8;
}

BarLayout parse_bar_layout(const ConfigNode& parent, std::string_view key,
                           const BarLayout& defaults) {
    if (!parent.has(key)) {
        return defaults;
    }
    BarLayout bars{};
    std::array<bool, kBarCount> seen{};
    for (const ConfigNode& bar : parent.children(key)) {
        bar.expect_only({"index", "size", "64bit", "prefetchable"});
        if (!bar.has("index") || !bar.has("size")) {
            reject(bar.path(), "each BAR needs an \"index\" and a \"size\"");
        }
        const auto index = static_cast<unsigned>(bar.get_uint("index", 0, 0, kBarCount - 1));
        if (seen[index]) {
            bar.fail("index", "BAR " + std::to_string(index) + " is listed twice");
        }
        seen[index] = true;
        BarConfig& b = bars[index];
        b.size = bar.get_uint("size", 0, 1, std::uint64_t{1} << 40);
        b.is_64bit = bar.get_bool("64bit", false);
        b.prefetchable = bar.get_bool("prefetchable", false);
    }
    return bars;
}

MsixConfig parse_msix_config(const ConfigNode& node, const MsixConfig& defaults) {
    node.expect_only({"vectors", "table_bar", "table_offset", "pba_bar", "pba_offset"});
    MsixConfig m = defaults;
    m.vectors = static_cast<unsigned>(node.get_uint("vectors", m.vectors, 0, 2048));
    m.table_bar = static_cast<unsigned>(node.get_uint("table_bar", m.table_bar, 0, 5));
    m.table_offset =
        static_cast<std::uint32_t>(node.get_uint("table_offset", m.table_offset, 0, 0xFFFFFFF8));
    m.pba_bar = static_cast<unsigned>(node.get_uint("pba_bar", m.pba_bar, 0, 5));
    m.pba_offset =
        static_cast<std::uint32_t>(node.get_uint("pba_offset", m.pba_offset, 0, 0xFFFFFFF8));
    return m;
}

FunctionConfig parse_function_config(const ConfigNode& node, const FunctionConfig& defaults) {
    node.expect_only({"vendor_id", "device_id", "revision", "class_code", "subsystem_vendor_id",
                      "subsystem_id", "bars", "msix", "power_management", "flr", "ari",
                      "max_payload_supported", "link_speed", "link_width"});
    FunctionConfig c = defaults;
    FunctionIdentity& id = c.identity;
    id.vendor_id = static_cast<std::uint16_t>(node.get_uint("vendor_id", id.vendor_id, 0, 0xFFFE));
    id.device_id = static_cast<std::uint16_t>(node.get_uint("device_id", id.device_id, 0, 0xFFFE));
    id.revision = static_cast<std::uint8_t>(node.get_uint("revision", id.revision, 0, 0xFF));
    id.class_code =
        static_cast<std::uint32_t>(node.get_uint("class_code", id.class_code, 0, 0xFFFFFF));
    id.subsystem_vendor_id = static_cast<std::uint16_t>(
        node.get_uint("subsystem_vendor_id", id.subsystem_vendor_id, 0, 0xFFFF));
    id.subsystem_id =
        static_cast<std::uint16_t>(node.get_uint("subsystem_id", id.subsystem_id, 0, 0xFFFF));
    c.bars = parse_bar_layout(node, "bars", c.bars);
    c.msix = parse_msix_config(node.child("msix"), c.msix);
    c.power_management = node.get_bool("power_management", c.power_management);
    c.flr = node.get_bool("flr", c.flr);
    c.ari = node.get_bool("ari", c.ari);
    c.max_payload_supported = static_cast<unsigned>(
        node.get_uint("max_payload_supported", c.max_payload_supported, 0, 5));
    c.link.max_speed = static_cast<unsigned>(node.get_uint("link_speed", c.link.max_speed, 1, 6));
    c.link.max_width = static_cast<unsigned>(node.get_uint("link_width", c.link.max_width, 1, 32));
    validate_function_config(c, node.path());
    return c;
}

void validate_bars(const BarLayout& bars, const std::string& path) {
    for (unsigned i = 0; i < kBarCount; ++i) {
        const BarConfig& b = bars[i];
        const std::string field = path + ".bars[index " + std::to_string(i) + "]";
        if (!b.implemented()) {
            continue;
        }
        if (!is_power_of_two(b.size) || b.size < 128) {
            reject(field + ".size",
                   "must be a power of two of at least 128 bytes, got " + std::to_string(b.size));
        }
        if (!b.is_64bit && b.size > (std::uint64_t{1} << 31)) {
            reject(field + ".size", "a 32-bit BAR can decode at most 2 GiB; make it 64bit");
        }
        if (b.is_64bit) {
            if (i == kBarCount - 1) {
                reject(field + ".64bit", "BAR 5 has no upper half for a 64-bit address");
            }
            if (bars[i + 1].implemented()) {
                reject(field + ".64bit", "a 64-bit BAR also uses BAR " + std::to_string(i + 1) +
                                             ", which is defined too");
            }
        }
        if (i > 0 && bars[i - 1].implemented() && bars[i - 1].is_64bit) {
            reject(field, "BAR " + std::to_string(i) + " is the upper half of 64-bit BAR " +
                              std::to_string(i - 1));
        }
    }
}

void validate_msix(const MsixConfig& msix, const BarLayout& bars, const std::string& path) {
    if (msix.vectors == 0) {
        return;
    }
    const std::string field = path + ".msix";
    const struct {
        const char* name;
        unsigned bar;
        std::uint32_t offset;
        std::uint64_t bytes;
    } parts[] = {{"table", msix.table_bar, msix.table_offset, msix_table_bytes(msix.vectors)},
                 {"pba", msix.pba_bar, msix.pba_offset, msix_pba_bytes(msix.vectors)}};
    for (const auto& p : parts) {
        const std::string name = p.name;
        std::string key = field; // msix.table or msix.pba
        key.append(".").append(name);
        if (p.bar >= kBarCount || !bars[p.bar].implemented()) {
            reject(key + "_bar", "BAR " + std::to_string(p.bar) + " is not implemented");
        }
        if ((p.offset & 7) != 0) {
            reject(key + "_offset", "must be 8-byte aligned");
        }
        if (p.offset + p.bytes > bars[p.bar].size) {
            reject(key + "_offset", "the " + name + " (" + std::to_string(p.bytes) +
                                        " bytes) does not fit in BAR " + std::to_string(p.bar));
        }
    }
    if (msix.table_bar == msix.pba_bar &&
        msix.table_offset < msix.pba_offset + msix_pba_bytes(msix.vectors) &&
        msix.pba_offset < msix.table_offset + msix_table_bytes(msix.vectors)) {
        reject(field + ".pba_offset", "the PBA overlaps the MSI-X table");
    }
}

void validate_function_config(const FunctionConfig& config, const std::string& path) {
    validate_bars(config.bars, path);
    validate_msix(config.msix, config.bars, path);
}

} // namespace aie4sim::pcie
