// aie4sim-xrt-gemm: a GEMM through XRT, checked against the program's own CPU reference.
// Loads the ELF of a `gemm` workload (`aie4sim-workload gemm --m M --k K --n N --type T`),
// draws A and B from a seeded generator, fills C with a value no product can have, runs the
// kernel through xrt::run, and checks C after every run (int8 exactly; bf16 within the fp32
// summation bound, gemm_reference.h).
//   aie4sim-xrt-gemm BDF LAYOUT.json [--runs N] [--seed S] [--timeout-ms T] [--progress]
//   [--no-check]
// Built against Debian's libxrt-dev headers only; exit status 0 verified, 1 wrong, 2 error.
#include "gemm_reference.h"
#include "kernel_session.h"
#include "program_args.h"
#include "run_report.h"
#include "workload_layout.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <random>

using namespace xrt_programs;

namespace {

void check_argument(const WorkloadLayout& w, const Argument& arg, const char* type,
                    std::uint32_t rows, std::uint32_t cols) {
    if (arg.type != type || arg.rows != rows || arg.cols != cols) {
        throw std::runtime_error(w.file + ": argument " + arg.name + " is " + arg.type + " " +
                                 std::to_string(arg.rows) + "x" + std::to_string(arg.cols) +
                                 ", expected " + type + " " + std::to_string(rows) + "x" +
                                 std::to_string(cols));
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        const ProgramArgs args = parse_program_args(argc, argv);
        const WorkloadLayout layout = read_workload_layout(args.layout);
        if (layout.kind != "gemm") {
            throw std::runtime_error(args.layout + " is a " + layout.kind +
                                     " workload, not a gemm");
        }
        const bool int8 = layout.type == "int8";
        if (!int8 && layout.type != "bf16") {
            throw std::runtime_error(args.layout + ": unknown GEMM type " + layout.type);
        }
        const Argument& a = layout.argument("A");
        const Argument& b = layout.argument("B");
        const Argument& c = layout.argument("C");
        check_argument(layout, a, int8 ? "int8" : "bf16", layout.m, layout.k);
        check_argument(layout, b, int8 ? "int8" : "bf16", layout.k, layout.n);
        check_argument(layout, c, int8 ? "int32" : "fp32", layout.m, layout.n);
        const GemmShape shape{layout.m, layout.k, layout.n, a.ld, b.ld, c.ld};

        KernelSession session(args.device, layout);
        RunReport report;
        report.op = "gemm " + std::to_string(layout.m) + "x" + std::to_string(layout.k) + "x" +
                    std::to_string(layout.n) + " " + layout.type;
        report.device = args.device;
        report.device_name = session.device_name();
        report.checked = args.check;

        std::mt19937 random(args.seed);
        if (int8) {
            random_int8(random, a.rows, a.cols, a.ld,
                        reinterpret_cast<std::int8_t*>(session.data(a.index)));
            random_int8(random, b.rows, b.cols, b.ld,
                        reinterpret_cast<std::int8_t*>(session.data(b.index)));
        } else {
            random_bf16(random, a.rows, a.cols, a.ld,
                        reinterpret_cast<std::uint16_t*>(session.data(a.index)));
            random_bf16(random, b.rows, b.cols, b.ld,
                        reinterpret_cast<std::uint16_t*>(session.data(b.index)));
        }
        session.to_device(a.index);
        session.to_device(b.index);
        for (unsigned r = 0; r < args.runs && report.wrong.empty(); ++r) {
            // No int8 product reaches 0xA5A5A5A5 (|C| <= K * 2^14); all-ones is a NaN in fp32.
            std::memset(session.data(c.index), int8 ? 0xA5 : 0xFF, c.bytes);
            session.to_device(c.index);
            note_start(report, args.progress);
            const double ms = session.run_once(args.timeout);
            session.from_device(c.index);
            const std::string wrong =
                !args.check ? ""
                : int8
                    ? check_gemm_int8(shape,
                                      reinterpret_cast<const std::int8_t*>(session.data(a.index)),
                                      reinterpret_cast<const std::int8_t*>(session.data(b.index)),
                                      reinterpret_cast<const std::int32_t*>(session.data(c.index)))
                    : check_gemm_bf16(shape,
                                      reinterpret_cast<const std::uint16_t*>(session.data(a.index)),
                                      reinterpret_cast<const std::uint16_t*>(session.data(b.index)),
                                      reinterpret_cast<const float*>(session.data(c.index)));
            record_run(report, ms, wrong, args.progress);
        }
        return print_report(report);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aie4sim-xrt-gemm: %s\n", e.what());
        return 2;
    }
}
