// The SR-IOV description: parsing and validation naming the bad field.
#include "sriov/sriov_config.h"
#include "sriov_fixture.h"

#include <catch2/catch.hpp>

using aie4sim::common::ConfigNode;
using aie4sim::common::parse_config_text;
using namespace aie4sim;

namespace {
sriov::SriovConfig parse(const char* text) {
    auto doc = parse_config_text(text, "test");
    return sriov::parse_sriov_config(ConfigNode::root(doc).child("sriov"),
                                     aie4sim::testing::sample_sriov());
}
} // namespace

TEST_CASE("SR-IOV settings parse over the defaults", "[sriov][config]") {
    auto s = parse(R"({"sriov": {"total_vfs": 16, "ari_routing": {"first_vf_offset": 8,
                      "vf_stride": 2}}})");
    CHECK(s.total_vfs == 16);
    CHECK(s.ari_routing.first_vf_offset == 8);
    CHECK(s.vf_device_id == 0x17F3);
}

TEST_CASE("bad SR-IOV settings are rejected with the field named", "[sriov][config]") {
    CHECK_THROWS_WITH(parse(R"({"sriov": {"total_vfs": 0}})"), Catch::Contains("sriov.total_vfs"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"total_vfs": 200, "routing": {"vf_stride": 2}}})"),
                      Catch::Contains("sriov.routing"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"supported_page_sizes": 1}})"),
                      Catch::Contains("sriov.supported_page_sizes"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"vf_bars": [{"index": 0, "size": 2048}]}})"),
                      Catch::Contains("sriov.vf_bars[index 0].size"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"vf_msix": {"vectors": 4, "table_bar": 2,
                      "table_offset": "0x80000"}}})"),
                      Catch::Contains("sriov.vf.msix.table_offset"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"totalvfs": 4}})"), Catch::Contains("sriov.totalvfs"));
}
