// aie4sim-xrt-copy: a pure data movement through XRT (host -> memory tile -> host). Loads the
// ELF of a `copy` workload (`aie4sim-workload copy --bytes N`), fills the input buffer with
// seeded random bytes and the output with their complement, runs the kernel through
// xrt::run, and checks that the output is the input, byte for byte, after every run.
//   aie4sim-xrt-copy BDF LAYOUT.json [--runs N] [--seed S] [--timeout-ms T] [--progress]
//   [--no-check]
// Built against Debian's libxrt-dev headers only; exit status 0 verified, 1 wrong, 2 error.
#include "kernel_session.h"
#include "program_args.h"
#include "run_report.h"
#include "workload_layout.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <numeric>
#include <random>

using namespace xrt_programs;

namespace {

// "" when `got` is `want`; otherwise the first byte that differs and how many do.
std::string compare(const std::uint8_t* want, const std::uint8_t* got, std::uint64_t bytes) {
    const auto [w, g] = std::mismatch(want, want + bytes, got);
    if (w == want + bytes) {
        return "";
    }
    const auto differ = std::inner_product(
        want, want + bytes, got, std::uint64_t{0}, std::plus<>(),
        [](std::uint8_t a, std::uint8_t b) { return a != b ? std::uint64_t{1} : 0; });
    char what[160];
    std::snprintf(what, sizeof what,
                  "byte %zu is 0x%02x, expected 0x%02x (%llu of %llu bytes differ)",
                  static_cast<std::size_t>(w - want), *g, *w,
                  static_cast<unsigned long long>(differ), static_cast<unsigned long long>(bytes));
    return what;
}

} // namespace

int main(int argc, char** argv) {
    try {
        const ProgramArgs args = parse_program_args(argc, argv);
        const WorkloadLayout layout = read_workload_layout(args.layout);
        if (layout.kind != "copy") {
            throw std::runtime_error(args.layout + " is a " + layout.kind +
                                     " workload, not a copy");
        }
        const Argument& in = layout.argument("in");
        const Argument& out = layout.argument("out");
        if (in.bytes != out.bytes) {
            throw std::runtime_error(args.layout + ": in and out differ in size");
        }
        KernelSession session(args.device, layout);
        RunReport report;
        report.op = layout.op;
        report.device = args.device;
        report.device_name = session.device_name();
        report.checked = args.check;

        std::mt19937 random(args.seed);
        std::uint8_t* source = session.data(in.index);
        std::generate(source, source + in.bytes,
                      [&] { return static_cast<std::uint8_t>(random()); });
        session.to_device(in.index);
        std::uint8_t* target = session.data(out.index);
        for (unsigned r = 0; r < args.runs && report.wrong.empty(); ++r) {
            std::transform(source, source + in.bytes, target,
                           [](std::uint8_t b) { return static_cast<std::uint8_t>(~b); });
            session.to_device(out.index);
            note_start(report, args.progress);
            const double ms = session.run_once(args.timeout);
            session.from_device(out.index);
            record_run(report, ms, args.check ? compare(source, target, in.bytes) : "",
                       args.progress);
        }
        return print_report(report);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aie4sim-xrt-copy: %s\n", e.what());
        return 2;
    }
}
