#pragma once
// Reading the device description: every value comes with its path ("sriov.total_vfs"), so a bad
// configuration is rejected with a message that names the field, and unknown keys are refused
// rather than silently ignored (a typo must not fall back to a default).

#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aie4sim::common {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a JSON file; syntax errors name the file and the line.
boost::json::value parse_config_file(const std::string& file);
boost::json::value parse_config_text(std::string_view text, std::string_view origin);

// A read-only view of one JSON object of a configuration. An absent section is a valid, empty
// node: every getter then returns its default, so built-in defaults need no special case.
class ConfigNode {
public:
    static ConfigNode root(const boost::json::value& document);

    [[nodiscard]] const std::string& path() const { return path_; }
    [[nodiscard]] bool present() const { return object_ != nullptr; }
    [[nodiscard]] bool has(std::string_view key) const;

    [[nodiscard]] ConfigNode child(std::string_view key) const;
    [[nodiscard]] std::vector<ConfigNode> children(std::string_view key) const;

    // Integers accept JSON numbers or strings such as "0x17F2".
    [[nodiscard]] std::uint64_t get_uint(std::string_view key, std::uint64_t fallback,
                                         std::uint64_t min, std::uint64_t max) const;
    [[nodiscard]] std::int64_t get_int(std::string_view key, std::int64_t fallback,
                                       std::int64_t min, std::int64_t max) const;
    [[nodiscard]] double get_double(std::string_view key, double fallback, double min,
                                    double max) const;
    [[nodiscard]] bool get_bool(std::string_view key, bool fallback) const;
    [[nodiscard]] std::string get_string(std::string_view key, std::string_view fallback) const;
    [[nodiscard]] std::string get_choice(std::string_view key, std::string_view fallback,
                                         std::initializer_list<std::string_view> choices) const;
    [[nodiscard]] std::vector<std::uint64_t> get_uint_list(std::string_view key,
                                                           std::vector<std::uint64_t> fallback,
                                                           std::uint64_t min,
                                                           std::uint64_t max) const;

    // Refuses any key not in `known`, naming it.
    void expect_only(std::initializer_list<std::string_view> known) const;

    [[noreturn]] void fail(std::string_view key, std::string_view message) const;

private:
    ConfigNode(const boost::json::object* object, std::string path);
    [[nodiscard]] const boost::json::value* find(std::string_view key) const;
    [[nodiscard]] std::string field(std::string_view key) const;

    const boost::json::object* object_ = nullptr;
    std::string path_;
};

} // namespace aie4sim::common
