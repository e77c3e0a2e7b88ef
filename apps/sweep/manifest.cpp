#include "apps/sweep/manifest.h"

#include "common/config_node.h"
#include "models/device_config.h"
#include "models/host/mix_runner.h"
#include "models/host/workload_mix.h"

#include <array>
#include <boost/json.hpp>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string_view>

namespace aie4sim::apps::sweep {

namespace json = boost::json;

namespace {

[[noreturn]] void fail(const std::string& field, const std::string& why) {
    throw ManifestError(field + ": " + why);
}

constexpr std::array<std::string_view, 8> kRunAxes = {
    "vfs", "policy", "column_split", "gemm", "type", "seed", "mix", "time_slice"};

bool is_config_path(const std::string& axis) {
    return axis.find('.') != std::string::npos;
}

std::string describe(const json::object& assignment) {
    std::ostringstream s;
    bool first = true;
    for (const auto& [k, v] : assignment) {
        s << (first ? "" : ", ") << std::string(k) << "=" << json::serialize(v);
        first = false;
    }
    return s.str();
}

// Checks one value of axis `axis`; `field` names it in errors.
void check_value(const std::string& axis, const json::value& v, const std::string& field) {
    if (axis == "vfs") {
        if (!v.is_int64() || v.as_int64() < 1 || v.as_int64() > 255) {
            fail(field, "a VF count from 1 to 255");
        }
    } else if (axis == "seed") {
        if (!v.is_int64() || v.as_int64() < 0 || v.as_int64() > 0xFFFFFFFF) {
            fail(field, "a seed from 0 to 4294967295");
        }
    } else if (axis == "policy") {
        if (!v.is_string() || (v.as_string() != "time_sharing" && v.as_string() != "spatial")) {
            fail(field, "time_sharing or spatial");
        }
    } else if (axis == "type") {
        if (!v.is_string() || (v.as_string() != "int8" && v.as_string() != "bf16")) {
            fail(field, "int8 or bf16");
        }
    } else if (axis == "gemm") {
        static const std::regex shape(R"([1-9][0-9]*x[1-9][0-9]*x[1-9][0-9]*)");
        if (!v.is_string() || !std::regex_match(std::string(v.as_string()), shape)) {
            fail(field, "a GEMM shape MxKxN, e.g. \"256x256x256\"");
        }
    } else if (axis == "time_slice") {
        if (!v.is_number() || v.to_number<double>() < 0 || v.to_number<double>() > 1e9) {
            fail(field, "a time slice in microseconds, 0 to 1e9 (0: the columns are given up "
                        "after every command)");
        }
    } else if (axis == "mix") {
        if (!v.is_string() && !v.is_object()) {
            fail(field, "a workload mix: the path of a mix file, or an inline mix object");
        }
        if (v.is_object()) {
            try {
                (void)models::host::parse_mix(v);
            } catch (const models::host::MixError& e) {
                fail(field, e.what());
            }
        }
    } else if (axis == "column_split") {
        if (v.is_string() && v.as_string() == "even") {
            return;
        }
        if (!v.is_array() || v.as_array().empty()) {
            fail(field, "\"even\" or a list of [first, count], one per VF");
        }
        for (std::size_t i = 0; i < v.as_array().size(); ++i) {
            const json::value& s = v.as_array()[i];
            if (!s.is_array() || s.as_array().size() != 2 || !s.as_array()[0].is_int64() ||
                !s.as_array()[1].is_int64() || s.as_array()[0].as_int64() < 0 ||
                s.as_array()[1].as_int64() < 1) {
                fail(field + "[" + std::to_string(i) + "]", "a [first, count] column slice");
            }
        }
    } else if (!is_config_path(axis)) {
        fail("axes." + axis,
             "unknown axis (known: vfs, policy, column_split, gemm, type, seed, mix, time_slice, "
             "or a dotted configuration path such as scheduler.context_switch_us)");
    }
}

// Sets `value` at the dotted `path` of `config`, creating objects on the way.
void set_path(json::object& config, const std::string& path, const json::value& value,
              const std::string& field) {
    json::object* at = &config;
    std::size_t from = 0;
    for (;;) {
        const std::size_t dot = path.find('.', from);
        const std::string key = path.substr(from, dot - from);
        if (key.empty()) {
            fail(field, "an empty part in the configuration path \"" + path + "\"");
        }
        if (dot == std::string::npos) {
            (*at)[key] = value;
            return;
        }
        json::value& next = (*at)[key];
        if (next.is_null()) {
            next = json::object();
        }
        if (!next.is_object()) {
            fail(field, "\"" + path.substr(0, dot) + "\" is not a section of the configuration");
        }
        at = &next.as_object();
        from = dot + 1;
    }
}

// The mix document of a `mix` value: inline, or read from its file (relative to the manifest).
json::value mix_document(const json::value& v, const std::string& manifest_dir,
                         const std::string& where) {
    if (v.is_null() || v.is_object()) {
        return v;
    }
    std::string file(v.as_string());
    if (!file.empty() && file[0] != '/' && !manifest_dir.empty()) {
        file = manifest_dir + "/" + file;
    }
    try {
        return common::parse_config_file(file);
    } catch (const common::ConfigError& e) {
        throw ManifestError(where + ": mix: " + e.what());
    }
}

Point make_point(std::size_t index, const json::object& assignment, const json::object& defaults,
                 const json::object& base, const std::string& manifest_dir) {
    Point p;
    p.index = index;
    p.assignment = assignment;
    auto get = [&](const char* axis) -> const json::value& {
        auto it = assignment.find(axis);
        return it != assignment.end() ? it->value() : defaults.at(axis);
    };
    p.vfs = static_cast<unsigned>(get("vfs").as_int64());
    p.policy = std::string(get("policy").as_string());
    p.gemm =
        std::string(get("gemm").as_string()) + (get("type").as_string() == "bf16" ? ":bf16" : "");
    p.seed = static_cast<std::uint64_t>(get("seed").as_int64());
    p.config = base;
    const std::string where = "point " + std::to_string(index) + " (" + describe(assignment) + ")";
    p.mix = mix_document(get("mix"), manifest_dir, where);
    set_path(p.config, "sriov.total_vfs", p.vfs, where);
    set_path(p.config, "scheduler.policy", json::string(p.policy), where);
    if (const json::value& slice = get("time_slice"); !slice.is_null()) {
        set_path(p.config, "scheduler.time_slice_us", slice, where);
    }
    const json::value& split = get("column_split");
    if (split.is_array()) {
        json::array slices;
        for (const auto& s : split.as_array()) {
            slices.push_back(json::object{{"first", s.as_array()[0]}, {"count", s.as_array()[1]}});
        }
        set_path(p.config, "scheduler.vf_columns", slices, where);
    }
    for (const auto& [k, v] : assignment) {
        if (is_config_path(std::string(k))) {
            set_path(p.config, std::string(k), v, where);
        }
    }
    // The configuration reader names a bad setting exactly as a config file's would be named.
    models::DeviceConfig device;
    try {
        device = models::parse_device_config(json::value(p.config), where);
    } catch (const common::ConfigError& e) {
        throw ManifestError(where + ": " + e.what());
    }
    // A mix is checked as `run --mix` checks it: its fields, its VFs, what the builder maps.
    if (!p.mix.is_null()) {
        try {
            models::host::check_mix(models::host::parse_mix(p.mix), p.vfs, device);
        } catch (const models::host::MixError& e) {
            throw ManifestError(where + ": " + e.what());
        }
    }
    return p;
}

bool matches(const json::object& assignment, const json::object& pattern) {
    for (const auto& [k, v] : pattern) {
        auto it = assignment.find(k);
        if (it == assignment.end() || it->value() != v) {
            return false;
        }
    }
    return true;
}

} // namespace

Manifest parse_manifest(const json::value& document, const std::string& path) {
    if (!document.is_object()) {
        fail("manifest", "must be a JSON object");
    }
    const json::object& root = document.as_object();
    for (const auto& [k, v] : root) {
        static const std::vector<std::string> known = {"name",    "base",   "run",      "axes",
                                                       "exclude", "points", "timeout_s"};
        if (std::find(known.begin(), known.end(), std::string(k)) == known.end()) {
            fail(std::string(k), "unknown setting (known: name, base, run, axes, exclude, "
                                 "points, timeout_s)");
        }
    }
    Manifest m;
    m.path = path;
    if (auto* n = root.if_contains("name")) {
        if (!n->is_string()) {
            fail("name", "a string");
        }
        m.name = std::string(n->as_string());
    }
    if (auto* t = root.if_contains("timeout_s")) {
        if (!t->is_number() || t->to_number<double>() <= 0) {
            fail("timeout_s", "a positive number of seconds");
        }
        m.timeout_s = t->to_number<double>();
    }
    json::object base;
    if (auto* b = root.if_contains("base")) {
        if (!b->is_object()) {
            fail("base", "a device configuration object");
        }
        base = b->as_object();
    }
    json::object defaults{{"vfs", 4},
                          {"policy", "time_sharing"},
                          {"column_split", "even"},
                          {"gemm", "256x256x256"},
                          {"type", "int8"},
                          {"seed", 1},
                          {"mix", nullptr},
                          {"time_slice", nullptr}};
    if (auto* r = root.if_contains("run")) {
        if (!r->is_object()) {
            fail("run", "an object of axis defaults");
        }
        for (const auto& [k, v] : r->as_object()) {
            const std::string axis(k);
            if (std::find(kRunAxes.begin(), kRunAxes.end(), axis) == kRunAxes.end()) {
                fail("run." + axis, "unknown (known: vfs, policy, column_split, gemm, type, seed, "
                                    "mix, time_slice)");
            }
            check_value(axis, v, "run." + axis);
            defaults[axis] = v;
        }
    }
    std::vector<std::pair<std::string, json::array>> axes;
    if (auto* a = root.if_contains("axes")) {
        if (!a->is_object()) {
            fail("axes", "an object: axis name -> list of values");
        }
        for (const auto& [k, v] : a->as_object()) {
            const std::string axis(k);
            if (!v.is_array() || v.as_array().empty()) {
                fail("axes." + axis, "a non-empty list of values");
            }
            for (std::size_t i = 0; i < v.as_array().size(); ++i) {
                check_value(axis, v.as_array()[i], "axes." + axis + "[" + std::to_string(i) + "]");
            }
            m.axes.push_back(axis);
            axes.emplace_back(axis, v.as_array());
        }
    }
    std::vector<json::object> excludes;
    if (auto* e = root.if_contains("exclude")) {
        if (!e->is_array()) {
            fail("exclude", "a list of partial assignments {axis: value}");
        }
        for (std::size_t i = 0; i < e->as_array().size(); ++i) {
            const json::value& x = e->as_array()[i];
            const std::string field = "exclude[" + std::to_string(i) + "]";
            if (!x.is_object() || x.as_object().empty()) {
                fail(field, "a non-empty object {axis: value}");
            }
            for (const auto& [k, v] : x.as_object()) {
                if (std::find(m.axes.begin(), m.axes.end(), std::string(k)) == m.axes.end()) {
                    fail(field + "." + std::string(k), "not an axis of this manifest");
                }
                check_value(std::string(k), v, field + "." + std::string(k));
            }
            excludes.push_back(x.as_object());
        }
    }
    // The cartesian product, the last axis varying fastest.
    std::vector<json::object> assignments;
    std::vector<std::size_t> at(axes.size(), 0);
    for (;;) {
        json::object a;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            a[axes[i].first] = axes[i].second[at[i]];
        }
        bool excluded = false;
        for (const auto& x : excludes) {
            excluded = excluded || matches(a, x);
        }
        if (!excluded) {
            assignments.push_back(std::move(a));
        }
        std::size_t i = axes.size();
        while (i > 0 && ++at[i - 1] == axes[i - 1].second.size()) {
            at[--i] = 0;
        }
        if (i == 0) {
            break;
        }
    }
    if (auto* pts = root.if_contains("points")) {
        if (!pts->is_array()) {
            fail("points", "a list of assignments {axis: value}");
        }
        for (std::size_t i = 0; i < pts->as_array().size(); ++i) {
            const json::value& x = pts->as_array()[i];
            const std::string field = "points[" + std::to_string(i) + "]";
            if (!x.is_object()) {
                fail(field, "an object {axis: value}");
            }
            for (const auto& [k, v] : x.as_object()) {
                check_value(std::string(k), v, field + "." + std::string(k));
                if (std::find(m.axes.begin(), m.axes.end(), std::string(k)) == m.axes.end()) {
                    m.axes.push_back(std::string(k));
                }
            }
            assignments.push_back(x.as_object());
        }
    }
    if (assignments.empty()) {
        fail("exclude", "excludes every point");
    }
    const std::string manifest_dir =
        path.empty() ? std::string() : std::filesystem::path(path).parent_path().string();
    for (std::size_t i = 0; i < assignments.size(); ++i) {
        m.points.push_back(make_point(i, assignments[i], defaults, base, manifest_dir));
    }
    return m;
}

Manifest load_manifest(const std::string& path) {
    json::value doc;
    try {
        doc = common::parse_config_file(path);
    } catch (const common::ConfigError& e) {
        throw ManifestError(e.what());
    }
    return parse_manifest(doc, path);
}

} // namespace aie4sim::apps::sweep
