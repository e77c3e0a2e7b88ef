// The device description: AIE4 defaults, and what the device needs of the generic parts.
#include "common/config_node.h"
#include "models/device_config.h"

#include <catch2/catch.hpp>

using aie4sim::common::parse_config_text;
using namespace aie4sim::models;

TEST_CASE("the defaults are what the amdxdna driver expects of an AIE4 NPU3", "[config]") {
    const DeviceConfig c = default_device_config();
    CHECK(c.pf.identity.vendor_id == 0x1022);
    CHECK(c.pf.identity.device_id == 0x17F2);
    CHECK(c.sriov.vf_device_id == 0x17F3);
    CHECK(c.pf.identity.revision == 0x10);
    CHECK(c.sriov.vf.identity.revision == 0x10);
    CHECK(c.pf.identity.class_code == 0x118000);
    CHECK(c.pf.bars[0].implemented());
    CHECK(c.pf.bars[2].implemented());
    CHECK(c.pf.bars[4].implemented());
    CHECK(c.pf.bars[5].implemented());
    CHECK_FALSE(c.pf.bars[4].is_64bit);
    CHECK(c.sriov.vf.bars[0].implemented());
    CHECK(c.sriov.vf.bars[2].implemented());
    CHECK(c.sriov.total_vfs == 4);
    CHECK(c.firmware.protocol_major == 5);
    CHECK(c.firmware.protocol_minor >= 10);
    CHECK(c.aie.geometry.columns == 3);
    CHECK_NOTHROW(validate_device_config(c));
}

TEST_CASE("16 VFs and other resources are configurable", "[config]") {
    const DeviceConfig c = parse_device_config(
        parse_config_text(R"({"sriov": {"total_vfs": 16}, "pcie": {"msix": {"vectors": 16,
            "table_bar": 0, "table_offset": "0x8000", "pba_bar": 0, "pba_offset": "0x9000"}},
            "firmware": {"max_contexts": 32}})",
                          "test"),
        "test");
    CHECK(c.sriov.total_vfs == 16);
    CHECK(c.pf.msix.vectors == 16);
    CHECK(c.firmware.max_contexts == 32);
}

TEST_CASE("a configuration the device cannot work with names the field", "[config]") {
    auto parse = [](const char* text) {
        return parse_device_config(parse_config_text(text, "test"), "test");
    };
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 0, "size": "0x8000"},
                                                  {"index": 2, "size": "0x80000"},
                                                  {"index": 4, "size": 4096},
                                                  {"index": 5, "size": 4096}],
                                         "msix": {"table_offset": "0x4000",
                                                  "pba_offset": "0x5000"}}})"),
                      Catch::Contains("pcie.bars[index 0].size"));
    CHECK_THROWS_WITH(parse(R"({"pcie": {"bars": [{"index": 0, "size": "0x10000"},
                                                  {"index": 2, "size": "0x80000"},
                                                  {"index": 4, "size": 4096}]}})"),
                      Catch::Contains("pcie.bars"));
    CHECK_THROWS_WITH(parse(R"({"sriov": {"vf_msix": {"vectors": 1}}})"),
                      Catch::Contains("sriov.vf_msix.vectors"));
    CHECK_THROWS_WITH(parse(R"({"firmware": {"max_contexts": 32}, "sriov": {"vf_bars": [
                                  {"index": 0, "size": "0x10000", "64bit": true},
                                  {"index": 2, "size": "0x20000", "64bit": true}]}})"),
                      Catch::Contains("sriov.vf_bars[index 2].size"));
    CHECK_THROWS_WITH(parse(R"({"firmware": {"protocol_minor": "ten"}})"),
                      Catch::Contains("firmware.protocol_minor"));
    CHECK_THROWS_WITH(parse(R"({"aie": {"columns": 0}})"), Catch::Contains("aie.columns"));
    CHECK_THROWS_WITH(parse(R"({"shceduler": {}})"), Catch::Contains("shceduler"));
}
