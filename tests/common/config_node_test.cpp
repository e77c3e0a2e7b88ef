#include "common/config_node.h"

#include <catch2/catch.hpp>

using aie4sim::common::ConfigError;
using aie4sim::common::ConfigNode;
using aie4sim::common::parse_config_text;

TEST_CASE("config values are read with their defaults when absent", "[config]") {
    auto doc = parse_config_text(R"({"a": {"n": 5, "hex": "0x17F2"}})", "inline");
    ConfigNode root = ConfigNode::root(doc);
    CHECK(root.child("a").get_uint("n", 1, 0, 10) == 5);
    CHECK(root.child("a").get_uint("hex", 0, 0, 0xffff) == 0x17F2);
    CHECK(root.child("a").get_uint("missing", 7, 0, 10) == 7);
    CHECK(root.child("absent").get_bool("flag", true));
}

TEST_CASE("a bad value is rejected with a message that names the field", "[config]") {
    auto doc = parse_config_text(R"({"sriov": {"total_vfs": 200, "name": 3}})", "inline");
    ConfigNode sriov = ConfigNode::root(doc).child("sriov");
    REQUIRE_THROWS_WITH(sriov.get_uint("total_vfs", 4, 1, 64),
                        Catch::Contains("sriov.total_vfs") && Catch::Contains("200"));
    REQUIRE_THROWS_WITH(sriov.get_string("name", ""), Catch::Contains("sriov.name"));
}

TEST_CASE("unknown keys are refused so that typos do not fall back to defaults", "[config]") {
    auto doc = parse_config_text(R"({"sriov": {"totl_vfs": 2}})", "inline");
    ConfigNode sriov = ConfigNode::root(doc).child("sriov");
    REQUIRE_THROWS_WITH(sriov.expect_only({"total_vfs"}), Catch::Contains("sriov.totl_vfs"));
}

TEST_CASE("syntax errors name the origin and the line", "[config]") {
    REQUIRE_THROWS_WITH(parse_config_text("{\n\"a\": 1,\n}", "my.json"),
                        Catch::Contains("my.json") && Catch::Contains("line"));
    REQUIRE_THROWS_AS(parse_config_text("[1,2]", "x"), ConfigError);
}

TEST_CASE("choices and lists are validated", "[config]") {
    auto doc = parse_config_text(R"({"p": "fifo", "l": [1, "0x10", -1]})", "inline");
    ConfigNode root = ConfigNode::root(doc);
    REQUIRE_THROWS_WITH(root.get_choice("p", "rr", {"rr", "spatial"}), Catch::Contains("fifo"));
    REQUIRE_THROWS_WITH(root.get_uint_list("l", {}, 0, 100), Catch::Contains("l[2]"));
}
