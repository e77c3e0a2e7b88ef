// The workload builder's outputs other than numbers: buffer layouts, argument order, the
// layout file tools read, refused shapes, and the structure of the control code the real
// aiebu-asm makes of its assembly.

#include "aie_tiles/format/cert_isa.h"
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/reference.h"
#include "aie_tiles/workload/workload.h"
#include "aie_tiles/workload/workload_data.h"
#include "aie_tiles/workload/workload_json.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstring>
#include <set>

using namespace aie4sim::tiles;
using namespace aie4sim::tiles::workload;

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
    // One uC program per column, assembled by aiebu-asm into pages the model decodes.
    CHECK(w.assembly.find(".target aie4") != std::string::npos);
    CHECK(w.assembly.find(".partition 3column") != std::string::npos);
    const auto elf = assemble_workload(w);
    const ControlCode code = load_control_elf(elf.data(), elf.size());
    CHECK(code.os_abi == 0x4B);
    CHECK(code.partition_columns == 3);
    CHECK(code.instance == "inst0");
    REQUIRE(code.ucs.size() == 3);
    for (const ControlCode::Uc& uc : code.ucs) {
        for (unsigned page = 0; page < uc.pages; ++page) {
            const auto d = cert::decode_page(code.image.data() + uc.offset +
                                                 std::size_t{page} * cert::kPageSize,
                                             cert::kPageSize, static_cast<std::uint16_t>(page));
            INFO("uC " << uc.index << ": " << d.error);
            CHECK(d.ok);
        }
    }
    // Every host BD is relocated against its argument (A, B or C).
    std::set<std::string> symbols;
    for (const ControlCode::Patch& p : code.patches) {
        CHECK(p.scheme == kPatchShimDmaAie4);
        symbols.insert(p.symbol);
    }
    CHECK(symbols == std::set<std::string>{"0", "1", "2"});
}

TEST_CASE("pack and unpack move dense data into a padded layout and back", "[workload]") {
    HostBuffer b{"A", BufferRole::input, DataType::int8, 2, 3, 4, 2};
    const std::int8_t dense[6] = {1, 2, 3, 4, 5, 6};
    const auto packed = pack(b, dense);
    CHECK(packed == std::vector<std::uint8_t>{1, 2, 3, 0, 4, 5, 6, 0});
    CHECK(unpack(b, packed.data()) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("the layout file lists the kernel arguments in order", "[workload]") {
    const Workload w = build_eltwise({EltwiseOp::mul, DataType::int8, 1001, 2}, PartitionShape{});
    WorkloadFiles files;
    files.prefix = "out/mul";
    const WorkloadData data = make_workload_data(w, 5);
    const auto doc = boost::json::parse(layout_json(w, files, &data)).as_object();
    CHECK(doc.at("format").as_string() == kLayoutFormat);
    CHECK(doc.at("op").as_string() == "mul_i8 1001");
    CHECK(doc.at("spec").at("kind").as_string() == "eltwise");
    CHECK(doc.at("files").at("elf").as_string() == "mul.elf");
    const auto& args = doc.at("arguments").as_array();
    REQUIRE(args.size() == 3);
    CHECK(args[0].at("name").as_string() == "x");
    CHECK(args[0].at("data").as_string() == "mul.x.bin");
    CHECK(args[2].at("role").as_string() == "output");
    CHECK(args[2].at("index").to_number<int>() == 2);
    CHECK(args[2].at("bytes").to_number<std::uint64_t>() == 1004);
    CHECK(args[2].at("expected").as_string() == "mul.out.expected.bin");
    CHECK(args[2].at("compare").as_string() == "exact");
    CHECK(doc.at("data").at("seed").to_number<int>() == 5);
}

TEST_CASE("example data: inputs in the device layout, the expected output from the reference",
          "[workload]") {
    const Workload w = build_gemm({5, 7, 3, GemmType::int8_int32}, PartitionShape{});
    const WorkloadData d = make_workload_data(w, 9);
    REQUIRE(d.inputs[0].size() == w.buffers[0].bytes());
    CHECK(d.inputs[0][7] == 0); // A's row padding (ld 8)
    CHECK(d.inputs[2].empty());
    REQUIRE(d.expected[2].size() == w.buffers[2].bytes());
    const auto a = unpack(w.buffers[0], d.inputs[0].data());
    const auto b = unpack(w.buffers[1], d.inputs[1].data());
    const auto c = gemm_i8_reference(std::vector<std::int8_t>(a.begin(), a.end()),
                                     std::vector<std::int8_t>(b.begin(), b.end()), 5, 7, 3);
    CHECK(std::memcmp(c.data(), d.expected[2].data(), c.size() * 4) == 0);
    CHECK(check_output(w, d, 2, d.expected[2].data()).empty());
    auto wrong = d.expected[2];
    wrong[std::size_t{4} * 4] ^= 1; // C[1][1]
    CHECK(check_output(w, d, 2, wrong.data()).find("C[1][1]") != std::string::npos);
    // The same seed gives the same data.
    CHECK(make_workload_data(w, 9).inputs[1] == d.inputs[1]);
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

namespace {
// A program whose second page patches a BD with argument 1, as a partial or a config ELF.
const char* kTwoPages = R"(.target aie4
.partition 1column
START_JOB 0
  WRITE_32 0x600000, 1
END_JOB
.eop
START_JOB 1
  APPLY_OFFSET_57 @bd, 1, 1
  UC_DMA_WRITE_DES_SYNC @ucbd
END_JOB
EOF
.align 16
ucbd:
  UC_DMA_BD 0, 0x70000, @bd, 2, 0, 0
.align 4
bd:
  .long 0x0
  .long 0x40
)";

// Where page `page` of the only uC says its APPLY_OFFSET_57 BD is, in the image.
std::size_t bd_at(const ControlCode& code, unsigned page) {
    const std::uint8_t* p = code.image.data() + std::size_t{page} * cert::kPageSize;
    const auto d = cert::decode_page(p, cert::kPageSize, static_cast<std::uint16_t>(page));
    REQUIRE(d.ok);
    for (const cert::Instruction& i : d.page.text) {
        if (i.opcode == cert::Opcode::apply_offset_57) {
            return std::size_t{page} * cert::kPageSize + cert::kPageHeaderSize + i.pointer;
        }
    }
    FAIL("no APPLY_OFFSET_57");
    return 0;
}

std::uint64_t bd_address(const std::vector<std::uint8_t>& image, std::size_t at) {
    std::uint32_t w[2];
    std::memcpy(w, image.data() + at, sizeof w);
    return (std::uint64_t{w[0]} & 0x1FFFFFF) << 32 | w[1];
}
} // namespace

TEST_CASE("the ELF loader lays pages out and patches them as XRT does, both ELF kinds",
          "[workload][elf]") {
    const auto partial = assemble_partial(kTwoPages);
    const std::string config = R"({"xrt-kernels":[{"name":"DPU","arguments":[)"
                               R"({"name":"a","type":"char *","offset":"0x00"},)"
                               R"({"name":"b","type":"char *","offset":"0x08"}],)"
                               R"("instance":[{"id":"inst0","ctrl_code_file":"program.asm"}]}]})";
    const auto full = assemble_config(kTwoPages, config);
    for (const auto* elf : {&partial, &full}) {
        const ControlCode code = load_control_elf(elf->data(), elf->size());
        REQUIRE(code.ucs.size() == 1);
        CHECK(code.ucs[0].pages == 2);
        CHECK(code.image.size() == 2 * cert::kPageSize);
        REQUIRE(code.patches.size() == 1);
        CHECK(code.patches[0].symbol == "1");
        const std::size_t at = bd_at(code, 1);
        CHECK(code.patches[0].offset == at); // the relocation lands on the BD page 1 names
        const auto image = patched_image(code, {0x1000, 0x2'0000'0000ull});
        CHECK(bd_address(image, at) == 0x2'0000'0000ull + 0x40 + kDdrAieOffset);
        CHECK(bd_address(code.image, at) == 0x40); // the loaded image stays unpatched
    }
    CHECK(load_control_elf(full.data(), full.size()).os_abi == 0x4B);
    CHECK(load_control_elf(partial.data(), partial.size()).os_abi == 0x46);
}

TEST_CASE("the ELF loader refuses what it cannot load, naming it", "[workload][elf]") {
    const auto elf = assemble_workload(build_copy({256}, PartitionShape{}));
    std::vector<std::uint8_t> bad(64, 0x41);
    CHECK_THROWS_WITH(load_control_elf(bad.data(), bad.size()), Catch::Contains("not an ELF"));
    bad = elf;
    bad[4] = 2; // ELFCLASS64
    CHECK_THROWS_WITH(load_control_elf(bad.data(), bad.size()),
                      Catch::Contains("not a 32-bit little-endian ELF"));
    CHECK_THROWS_WITH(load_control_elf(elf.data(), 100), Catch::Contains("truncated ELF"));
    CHECK_THROWS_WITH(load_control_elf(elf.data(), elf.size(), "inst7"),
                      Catch::Contains("no kernel instance 'inst7' (the ELF has inst0)"));
    const ControlCode code = load_control_elf(elf.data(), elf.size());
    CHECK_THROWS_WITH(patched_image(code, {0x1000}),
                      Catch::Contains("names argument '1', but 1 argument address(es)"));
}
