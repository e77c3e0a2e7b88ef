#include "common/config_node.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace aie4sim::common {

namespace {

std::string join_path(const std::string& base, std::string_view key) {
    if (base.empty()) {
        return std::string(key);
    }
    return base + "." + std::string(key);
}

// The line of a byte offset, for syntax errors in hand-written files.
std::size_t line_of(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

bool parse_unsigned_text(std::string_view text, std::uint64_t& out) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        base = 16;
    }
    if (text.empty()) {
        return false;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

boost::json::value parse_config_text(std::string_view text, std::string_view origin) {
    boost::json::stream_parser parser;
    boost::system::error_code ec;
    std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
    if (!ec) {
        parser.finish(ec);
    }
    if (ec) {
        std::ostringstream msg;
        msg << "config: " << origin << ": line " << line_of(text, consumed) << ": not valid JSON ("
            << ec.message() << ")";
        throw ConfigError(msg.str());
    }
    boost::json::value document = parser.release();
    if (!document.is_object()) {
        throw ConfigError("config: " + std::string(origin) + ": the top level must be an object");
    }
    return document;
}

boost::json::value parse_config_file(const std::string& file) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
        throw ConfigError("config: " + file + " is a folder, not a JSON file");
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw ConfigError("config: cannot open " + file + ": " + std::strerror(errno));
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        throw ConfigError("config: cannot read " + file + ": " + std::strerror(errno));
    }
    return parse_config_text(content.str(), file);
}

ConfigNode::ConfigNode(const boost::json::object* object, std::string path)
    : object_(object), path_(std::move(path)) {}

ConfigNode ConfigNode::root(const boost::json::value& document) {
    return ConfigNode(document.if_object(), "");
}

const boost::json::value* ConfigNode::find(std::string_view key) const {
    if (object_ == nullptr) {
        return nullptr;
    }
    auto it = object_->find(key);
    return it == object_->end() ? nullptr : &it->value();
}

bool ConfigNode::has(std::string_view key) const {
    return find(key) != nullptr;
}

std::string ConfigNode::field(std::string_view key) const {
    return join_path(path_, key);
}

void ConfigNode::fail(std::string_view key, std::string_view message) const {
    throw ConfigError("config: " + field(key) + ": " + std::string(message));
}

ConfigNode ConfigNode::child(std::string_view key) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return ConfigNode(nullptr, field(key));
    }
    if (!v->is_object()) {
        fail(key, "must be an object");
    }
    return ConfigNode(&v->get_object(), field(key));
}

std::vector<ConfigNode> ConfigNode::children(std::string_view key) const {
    std::vector<ConfigNode> out;
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return out;
    }
    if (!v->is_array()) {
        fail(key, "must be an array of objects");
    }
    const auto& array = v->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string item_path = field(key) + "[" + std::to_string(i) + "]";
        if (!array[i].is_object()) {
            throw ConfigError("config: " + item_path + ": must be an object");
        }
        out.push_back(ConfigNode(&array[i].get_object(), item_path));
    }
    return out;
}

namespace {

bool value_as_uint(const boost::json::value& v, std::uint64_t& out) {
    if (v.is_uint64()) {
        out = v.get_uint64();
        return true;
    }
    if (v.is_int64()) {
        if (v.get_int64() < 0) {
            return false;
        }
        out = static_cast<std::uint64_t>(v.get_int64());
        return true;
    }
    if (v.is_string()) {
        const auto& s = v.get_string();
        return parse_unsigned_text(std::string_view(s.data(), s.size()), out);
    }
    return false;
}

} // namespace

std::uint64_t ConfigNode::get_uint(std::string_view key, std::uint64_t fallback, std::uint64_t min,
                                   std::uint64_t max) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    std::uint64_t out = 0;
    if (!value_as_uint(*v, out)) {
        fail(key, "must be a non-negative integer (decimal, or a string such as \"0x1f\"), got " +
                      boost::json::serialize(*v));
    }
    if (out < min || out > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      ", got " + std::to_string(out));
    }
    return out;
}

std::int64_t ConfigNode::get_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    std::int64_t out = 0;
    if (v->is_int64()) {
        out = v->get_int64();
    } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        out = static_cast<std::int64_t>(v->get_uint64());
    } else {
        fail(key, "must be an integer, got " + boost::json::serialize(*v));
    }
    if (out < min || out > max) {
        fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                      ", got " + std::to_string(out));
    }
    return out;
}

double ConfigNode::get_double(std::string_view key, double fallback, double min, double max) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_number()) {
        fail(key, "must be a number, got " + boost::json::serialize(*v));
    }
    double out = v->to_number<double>();
    if (!(out >= min && out <= max)) {
        std::ostringstream msg;
        msg << "must be between " << min << " and " << max << ", got " << out;
        fail(key, msg.str());
    }
    return out;
}

bool ConfigNode::get_bool(std::string_view key, bool fallback) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_bool()) {
        fail(key, "must be true or false, got " + boost::json::serialize(*v));
    }
    return v->get_bool();
}

std::string ConfigNode::get_string(std::string_view key, std::string_view fallback) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return std::string(fallback);
    }
    if (!v->is_string()) {
        fail(key, "must be a string, got " + boost::json::serialize(*v));
    }
    return std::string(v->get_string().c_str());
}

std::string ConfigNode::get_choice(std::string_view key, std::string_view fallback,
                                   std::initializer_list<std::string_view> choices) const {
    std::string value = get_string(key, fallback);
    for (std::string_view c : choices) {
        if (value == c) {
            return value;
        }
    }
    std::string list;
    for (std::string_view c : choices) {
        list += list.empty() ? "" : ", ";
        list += c;
    }
    fail(key, "must be one of " + list + ", got \"" + value + "\"");
}

std::vector<std::uint64_t> ConfigNode::get_uint_list(std::string_view key,
                                                     std::vector<std::uint64_t> fallback,
                                                     std::uint64_t min, std::uint64_t max) const {
    const boost::json::value* v = find(key);
    if (v == nullptr) {
        return fallback;
    }
    if (!v->is_array()) {
        fail(key, "must be an array of integers");
    }
    std::vector<std::uint64_t> out;
    const auto& array = v->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string item = std::string(key) + "[" + std::to_string(i) + "]";
        std::uint64_t value = 0;
        if (!value_as_uint(array[i], value)) {
            fail(item, "must be a non-negative integer");
        }
        if (value < min || value > max) {
            fail(item, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + std::to_string(value));
        }
        out.push_back(value);
    }
    return out;
}

void ConfigNode::expect_only(std::initializer_list<std::string_view> known) const {
    if (object_ == nullptr) {
        return;
    }
    for (const auto& entry : *object_) {
        std::string_view key(entry.key().data(), entry.key().size());
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            std::string list;
            for (std::string_view k : known) {
                list += list.empty() ? "" : ", ";
                list += k;
            }
            fail(key, "unknown setting (known here: " + list + ")");
        }
    }
}

} // namespace aie4sim::common
