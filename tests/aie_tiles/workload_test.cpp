// The workload builder's outputs other than numbers: buffer layouts, argument order, the JSON
// description tools read, refused shapes, and the control code's structure.

#include "aie_tiles/format/control_code_format.h"
#include "aie_tiles/host/reference.h"
#include "aie_tiles/host/workload.h"
#include "aie_tiles/host/workload_json.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace aie4sim::tiles;
using namespace aie4sim::tiles::host;

TEST_CASE("GEMM buffers: argument order and padded layouts", "[workload]") {
    const Workload w = build_gemm({100, 70, 130, GemmType::int8_int32}, PartitionShape{});
    REQUIRE(w.buffers.size() == 3);
    CHECK(w.buffers[0].name == "A");
    CHECK(w.buffers[0].ld == 72); // K rounded up to 4 bytes
    CHECK(w.buffers[0].bytes() == std::size_t{100} * 72);
    CHECK(w.buffers[1].ld == 132);
    CHECK(w.buffers[2].type == DataType::int32);
    CHECK(w.buffers[2].ld == 130); // C is natural
    CHECK(w.useful_ops == 2ull * 100 * 70 * 130);
    const auto bf = build_gemm({3, 5, 7, GemmType::bf16_fp32}, PartitionShape{});
    CHECK(bf.buffers[0].ld == 6); // two bf16 per word
    CHECK(bf.buffers[1].ld == 8);
    // The control code is well formed, addresses the partition, ends with END.
    const auto p = cc::parse(w.control_code.data(), w.control_code.size());
    REQUIRE(p.ok);
    CHECK(p.program.columns == 3);
    CHECK(p.program.ops.back().opcode == cc::Opcode::end);
}

TEST_CASE("pack and unpack move dense data into a padded layout and back", "[workload]") {
    HostBuffer b{"A", BufferRole::input, DataType::int8, 2, 3, 4, 2};
    const std::int8_t dense[6] = {1, 2, 3, 4, 5, 6};
    const auto packed = pack(b, dense);
    CHECK(packed == std::vector<std::uint8_t>{1, 2, 3, 0, 4, 5, 6, 0});
    CHECK(unpack(b, packed.data()) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("the JSON description lists the buffers in argument order", "[workload]") {
    const Workload w = build_eltwise({EltwiseOp::mul, DataType::int8, 1001, 2}, PartitionShape{});
    const auto doc = boost::json::parse(describe_workload_json(w)).as_object();
    CHECK(doc.at("op").as_string() == "mul_i8 1001");
    CHECK(doc.at("control_code_bytes").to_number<std::uint64_t>() == w.control_code.size());
    const auto& buffers = doc.at("buffers").as_array();
    REQUIRE(buffers.size() == 3);
    CHECK(buffers[0].at("name").as_string() == "x");
    CHECK(buffers[2].at("role").as_string() == "output");
    CHECK(buffers[2].at("argument").to_number<int>() == 2);
    CHECK(buffers[2].at("bytes").to_number<std::uint64_t>() == 1004);
}

TEST_CASE("shapes the builder cannot map are refused with a reason", "[workload]") {
    CHECK_THROWS_WITH(build_gemm({0, 4, 4}, PartitionShape{}), Catch::Contains("non-zero"));
    CHECK_THROWS_WITH(build_gemm({4, 5000, 4}, PartitionShape{}),
                      Catch::Contains("K = 5000 is above the limit of 4095"));
    CHECK_THROWS_WITH(build_gemm({4, 4, 4}, PartitionShape{3, 4, 0}),
                      Catch::Contains("one memory tile row"));
    CHECK_THROWS_WITH(build_eltwise({EltwiseOp::add, DataType::int32, 4, 0}, PartitionShape{}),
                      Catch::Contains("int8 or bf16"));
    CHECK_THROWS_WITH(build_softmax({2, 40000}, PartitionShape{}), Catch::Contains("does not fit"));
    // bf16 K = 4000 fits one BD dimension but not the memory tile's double-buffered panels.
    CHECK_THROWS_WITH(build_gemm({256, 4000, 64, GemmType::bf16_fp32}, PartitionShape{}),
                      Catch::Contains("bytes of memory tile"));
}

TEST_CASE("GEMM sizes near 2^32 are refused with the limit they exceed, not a crash",
          "[workload]") {
    // These once wrapped the plan's 32-bit arithmetic into a division by zero (SIGFPE).
    const std::uint32_t huge = 0xFFFFFFFFu;
    CHECK_THROWS_WITH(build_gemm({huge, 1, 1}, PartitionShape{}),
                      Catch::Contains("A (M x K) would take 17179869180 bytes"));
    CHECK_THROWS_WITH(build_gemm({1, 1, huge}, PartitionShape{}),
                      Catch::Contains("C (M x N, 4-byte results)"));
    CHECK_THROWS_WITH(build_gemm({1, 4095, huge, GemmType::bf16_fp32}, PartitionShape{}),
                      Catch::Contains("B (K x N)"));
    CHECK_THROWS_WITH(build_gemm({1, 1, 1u << 23}, PartitionShape{}),
                      Catch::Contains("blocks of C, above the limit of 65536"));
    // Just inside the limits still builds.
    CHECK_NOTHROW(build_gemm({1, 1, 1u << 20}, PartitionShape{}));
}

TEST_CASE("a partition without columns or cores is refused", "[workload]") {
    CHECK_THROWS_WITH(build_gemm({64, 64, 64}, PartitionShape{0, 4, 1}),
                      Catch::Contains("0 columns"));
    CHECK_THROWS_WITH(build_gemm({64, 64, 64}, PartitionShape{3, 0, 1}),
                      Catch::Contains("no core rows"));
    CHECK_THROWS_WITH(
        build_eltwise({EltwiseOp::add, DataType::int8, 64, 0}, PartitionShape{0, 4, 1}),
        Catch::Contains("0 columns"));
    CHECK_THROWS_WITH(build_gemm({64, 64, 64}, PartitionShape{65, 4, 1}),
                      Catch::Contains("65 columns"));
}
