// The function description: parsing and validation that names the bad field.
#include "pcie/function_config.h"

#include <catch2/catch.hpp>

using aie4sim::common::ConfigNode;
using aie4sim::common::parse_config_text;
using namespace aie4sim::pcie;

namespace {
FunctionConfig parse(const char* text) {
    auto doc = parse_config_text(text, "test");
    FunctionConfig defaults;
    defaults.bars[0] = {0x10000, false, false};
    return parse_function_config(ConfigNode::root(doc).child("pcie"), defaults);
}
} // namespace

TEST_CASE("function fields parse from hex strings and numbers", "[pcie][config]") {
    auto c = parse(R"({"pcie": {"vendor_id": "0x1022", "device_id": 6130, "revision": "0x10",
        "bars": [{"index": 0, "size": "0x10000", "64bit": true}, {"index": 4, "size": 4096}],
        "msix": {"vectors": 4, "table_bar": 0, "table_offset": "0x8000", "pba_bar": 0,
                 "pba_offset": "0x9000"}}})");
    CHECK(c.identity.vendor_id == 0x1022);
    CHECK(c.identity.device_id == 6130);
    CHECK(c.bars[0].is_64bit);
    CHECK(c.bars[4].size == 4096);
    CHECK_FALSE(c.bars[1].implemented());
    CHECK(c.msix.vectors == 4);
}

TEST_CASE("impossible BAR layouts are rejected with the field named", "[pcie][config]") {
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 0, "size": 5000}]}})"),
                      Catch::Contains("pcie.bars[index 0].size"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 5, "size": 4096, "64bit": true}]}})"),
                      Catch::Contains("BAR 5"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 0, "size": 4096, "64bit": true},
                                                  {"index": 1, "size": 4096}]}})"),
                      Catch::Contains("pcie.bars[index 0].64bit"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 0, "size": 4096},
                                                  {"index": 0, "size": 4096}]}})"),
                      Catch::Contains("listed twice"));
}

TEST_CASE("MSI-X tables that do not fit or overlap are rejected", "[pcie][config]") {
    CHECK_THROWS_WITH(parse(R"({"pcie": {"msix": {"vectors": 8, "table_bar": 2}}})"),
                      Catch::Contains("pcie.msix.table_bar"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"msix": {"vectors": 8, "table_offset": "0xFFC0",
                                                  "pba_offset": "0x9000"}}})"),
                      Catch::Contains("pcie.msix.table_offset"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"msix": {"vectors": 8, "table_offset": 0,
                                                  "pba_offset": 64}}})"),
                      Catch::Contains("overlaps"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"msix": {"vectors": 8, "table_offset": 4}}})"),
                      Catch::Contains("aligned"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"msix": {"vectors": 4096}}})"),
                      Catch::Contains("pcie.msix.vectors"));
}
