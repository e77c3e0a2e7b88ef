// aie4sim-workload: builds a workload for a partition and writes its control code (aiebu
// assembly, the aie4_config JSON, the ELF from the real aiebu-asm) and its layout file, and
// optionally example input data with the expected output. docs/aie_tiles.md §9.
//   aie4sim-workload gemm --m 100 --k 70 --n 130 [--type int8|bf16] --out gemm [--data 1]
//   aie4sim-workload eltwise --op add --type bf16 --count 1000 --out add
//   aie4sim-workload softmax --rows 8 --cols 100 --disassemble
//   aie4sim-workload copy --bytes 65536 --out copy

#include "aie_tiles/format/cert_isa.h"
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/workload.h"
#include "aie_tiles/workload/workload_json.h"

#include <boost/program_options.hpp>
#include <iostream>

namespace po = boost::program_options;
using namespace aie4sim::tiles::workload;

namespace {

void disassemble(const Workload& w) {
    const auto elf = assemble_workload(w);
    const ControlCode code = load_control_elf(elf.data(), elf.size());
    for (const ControlCode::Uc& uc : code.ucs) {
        std::cout << "uC " << uc.index << ": " << uc.pages << " page(s)\n";
        for (unsigned p = 0; p < uc.pages; ++p) {
            std::cout << aie4sim::tiles::cert::disassemble_page(
                code.image.data() + uc.offset + std::size_t{p} * aie4sim::tiles::cert::kPageSize,
                aie4sim::tiles::cert::kPageSize);
        }
    }
}

} // namespace

int main(int argc, char* argv[]) {
    po::options_description opts("aie4sim-workload <gemm|eltwise|softmax|copy> [options]");
    std::string kind;
    std::string type = "int8";
    std::string op = "add";
    std::string out;
    std::uint32_t m = 0, k = 0, n = 0, count = 0, rows = 0, cols = 0, seed = 0;
    std::uint64_t bytes = 0;
    unsigned shift = 0;
    PartitionShape part;
    opts.add_options()("help,h", "this help")("kind", po::value(&kind),
                                              "gemm, eltwise, softmax or copy")(
        "m", po::value(&m), "GEMM M")("k", po::value(&k), "GEMM K")("n", po::value(&n), "GEMM N")(
        "type", po::value(&type), "int8 or bf16")("op", po::value(&op), "add, mul or relu")(
        "count", po::value(&count), "element-wise element count")(
        "shift", po::value(&shift), "mul int8 shift")("rows", po::value(&rows), "softmax rows")(
        "cols", po::value(&cols), "softmax columns")("bytes", po::value(&bytes),
                                                     "copy: bytes to move")(
        "columns", po::value(&part.columns)->default_value(3), "partition columns")(
        "core-rows", po::value(&part.core_rows)->default_value(4),
        "compute rows")("out", po::value(&out),
                        "write <out>.asm, <out>.config.json, <out>.elf and the layout <out>.json")(
        "no-elf", "do not run aiebu-asm (no <out>.elf)")(
        "data", po::value(&seed), "also write input data and the expected output (seed)")(
        "disassemble", "print the control code, page by page, as the model decodes it")(
        "asm", "print the assembly");
    po::positional_options_description pos;
    pos.add("kind", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
        po::notify(vm);
        if (vm.count("help") != 0 || kind.empty()) {
            std::cout << opts << "\n";
            return kind.empty() && vm.count("help") == 0 ? 2 : 0;
        }
        if (type != "int8" && type != "bf16") {
            throw BuildError("--type must be int8 or bf16");
        }
        Workload w;
        if (kind == "gemm") {
            w = build_gemm(
                GemmSpec{m, k, n, type == "int8" ? GemmType::int8_int32 : GemmType::bf16_fp32},
                part);
        } else if (kind == "eltwise") {
            EltwiseSpec s;
            s.op = op == "mul" ? EltwiseOp::mul : (op == "relu" ? EltwiseOp::relu : EltwiseOp::add);
            if (op != "add" && op != "mul" && op != "relu") {
                throw BuildError("--op must be add, mul or relu");
            }
            s.type = type == "int8" ? DataType::int8 : DataType::bf16;
            s.count = count;
            s.shift = shift;
            w = build_eltwise(s, part);
        } else if (kind == "softmax") {
            w = build_softmax(SoftmaxSpec{rows, cols}, part);
        } else if (kind == "copy") {
            w = build_copy(CopySpec{bytes}, part);
        } else {
            throw BuildError("unknown workload kind '" + kind + "'");
        }
        WorkloadFiles files;
        files.prefix = out.empty() ? "workload" : out;
        files.elf = vm.count("no-elf") == 0;
        files.partition = part;
        if (vm.count("data") != 0) {
            files.seed = seed;
        }
        std::cout << layout_json(w, files, nullptr) << "\n";
        if (vm.count("asm") != 0) {
            std::cout << w.assembly;
        }
        if (vm.count("disassemble") != 0) {
            disassemble(w);
        }
        if (!out.empty()) {
            write_workload_files(w, files);
        }
    } catch (const std::exception& e) {
        std::cerr << "aie4sim-workload: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
