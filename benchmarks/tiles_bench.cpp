// tiles_bench: how fast the tile array simulates, and what it models.
//   - a 512x512x512 int8 GEMM through the array (builder -> aiebu-asm -> ELF -> the CERT uCs
//     -> array -> host memory): wall time, simulated cycles, simulated cycles per wall-clock
//     second (assembling is done before the clock starts);
//   - the kernels' functional throughput (the same GEMM as one kernel invocation) against a
//     plain host implementation measured in the same run;
//   - modelled TOPS of the partition (from simulated time) against the driver's peak formula
//     4096 x columns x clock;
//   - peak resident memory (getrusage ru_maxrss).
// Prints human-readable figures and writes a JSON report (--json FILE, default
// tiles_bench.json in the working directory). --config FILE reads the array configuration
// (its "aie" section: geometry and timing table) instead of the built-in defaults.

#include "aie_tiles/aie_array.h"
#include "aie_tiles/array_config.h"
#include "aie_tiles/core_model.h"
#include "aie_tiles/kernels/kernel_api.h"
#include "aie_tiles/workload/aiebu_tool.h"
#include "aie_tiles/workload/control_elf.h"
#include "aie_tiles/workload/reference.h"
#include "aie_tiles/workload/workload.h"
#include "benchmarks/array_rig.h"
#include "common/config_node.h"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace {

using namespace aie4sim;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct ArrayRun {
    double wall_s = 0;
    std::uint64_t cycles = 0;
    bool ok = false;
    bool exact = false;
    std::string error;
    std::uint64_t kernel_busy_cycles = 0;
    std::size_t tile_memory_bytes = 0;
};

// One GEMM through a fresh array. The host memory and the inputs are set up before the
// clock starts; the wall time covers the simulation (control code, DMA, streams, kernels).
ArrayRun run_array(const tiles::workload::Workload& w, const tiles::workload::ControlCode& code,
                   const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                   const std::vector<std::int32_t>& expected, const tiles::ArrayConfig& config) {
    benchmarks::ArrayRig rig(config);
    testing::HostMemory& host = rig.host;

    std::vector<std::uint64_t> args;
    for (std::size_t i = 0; i < w.buffers.size(); ++i) {
        args.push_back(0x1'0000'0000ull + i * 0x1000'0000ull);
    }
    const auto pa = tiles::workload::pack(w.buffers[0], a.data());
    const auto pb = tiles::workload::pack(w.buffers[1], b.data());
    host.write(args[0], pa.data(), pa.size());
    host.write(args[1], pb.data(), pb.size());

    ArrayRun r;
    const auto [result, wall_s] = rig.run_control_code(code, args, 0x3'0000'0000ull);
    r.wall_s = wall_s;
    r.ok = result.ok();
    r.error = result.error;
    r.cycles = result.cycles;
    const auto c = host.read_vector<std::int32_t>(args[2], expected.size());
    r.exact = c == expected;
    for (unsigned col = 0; col < config.geometry.columns; ++col) {
        for (unsigned row = config.geometry.first_core_row(); row < config.geometry.rows(); ++row) {
            r.kernel_busy_cycles += rig.array.tile(col, row).core()->busy_cycles();
        }
    }
    r.tile_memory_bytes = rig.array.resident_bytes();
    return r;
}

// The same GEMM as one kernel invocation on a host buffer laid out like a tile memory.
double kernel_gemm_seconds(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                           std::uint32_t m, std::uint32_t k, std::uint32_t n,
                           std::vector<std::int32_t>& c) {
    std::vector<std::uint8_t> memory(a.size() + b.size() + std::size_t{m} * n * 4);
    std::memcpy(memory.data(), a.data(), a.size());
    std::memcpy(memory.data() + a.size(), b.data(), b.size());
    tiles::kernels::KernelInvocation inv;
    inv.id = tiles::kernels::KernelId::gemm_i8_i32;
    inv.in0 = 0;
    inv.in1 = static_cast<std::uint32_t>(a.size());
    inv.out = static_cast<std::uint32_t>(a.size() + b.size());
    inv.params[0] = m;
    inv.params[1] = k;
    inv.params[2] = n;
    const auto t0 = Clock::now();
    const auto st = tiles::kernels::run_kernel(inv, memory.data(), memory.size());
    const double s = seconds_since(t0);
    if (!st.ok) {
        throw std::runtime_error(std::string("kernel refused the GEMM: ") + st.error);
    }
    c.resize(std::size_t{m} * n);
    std::memcpy(c.data(), memory.data() + inv.out, c.size() * 4);
    return s;
}

// A plain host implementation: the straightforward i-k-j loop with int32 accumulators.
double plain_gemm_seconds(const std::vector<std::int8_t>& a, const std::vector<std::int8_t>& b,
                          std::uint32_t m, std::uint32_t k, std::uint32_t n,
                          std::vector<std::int32_t>& c) {
    c.assign(std::size_t{m} * n, 0);
    const auto t0 = Clock::now();
    for (std::uint32_t i = 0; i < m; ++i) {
        std::int32_t* ci = c.data() + std::size_t{i} * n;
        for (std::uint32_t x = 0; x < k; ++x) {
            const std::int32_t av = a[std::size_t{i} * k + x]; // NOLINT: int8 data, not characters
            const std::int8_t* bx = b.data() + std::size_t{x} * n;
            for (std::uint32_t j = 0; j < n; ++j) {
                ci[j] += av * bx[j];
            }
        }
    }
    return seconds_since(t0);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string human(double v, const char* unit) {
    char buf[64];
    const char* prefixes[] = {"", "k", "M", "G", "T"};
    int p = 0;
    while (v >= 1000 && p < 4) {
        v /= 1000;
        ++p;
    }
    std::snprintf(buf, sizeof buf, "%.3g %s%s", v, prefixes[p], unit);
    return buf;
}

} // namespace

int sc_main(int argc, char* argv[]) {
    std::string json_path = "tiles_bench.json";
    std::string config_path;
    int repetitions = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc) {
            json_path = argv[++i];
        } else if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "--repetitions" && i + 1 < argc) {
            repetitions = std::max(1, std::atoi(argv[++i]));
        } else {
            std::cerr << "usage: tiles_bench [--json FILE] [--config FILE] [--repetitions N]\n";
            return 2;
        }
    }
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);

    const std::uint32_t m = 512, k = 512, n = 512;
    tiles::ArrayConfig config; // default: the NPU3 partition, 3 columns x 4 cores
    if (!config_path.empty()) {
        try {
            const auto doc = common::parse_config_file(config_path);
            config = tiles::parse_array_config(common::ConfigNode::root(doc).child("aie"));
        } catch (const std::exception& e) {
            std::cerr << "tiles_bench: " << e.what() << "\n";
            return 2;
        }
    }
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> dist(-128, 127);
    std::vector<std::int8_t> a(std::size_t{m} * k), b(std::size_t{k} * n);
    for (auto& v : a) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    for (auto& v : b) {
        v = static_cast<std::int8_t>(dist(rng));
    }
    const auto expected = tiles::workload::gemm_i8_reference(a, b, m, k, n);
    const tiles::workload::PartitionShape part{config.geometry.columns, config.geometry.core_rows,
                                               config.geometry.mem_rows};
    const auto workload =
        tiles::workload::build_gemm({m, k, n, tiles::workload::GemmType::int8_int32}, part);
    tiles::workload::ControlCode code;
    try {
        const auto elf = tiles::workload::assemble_workload(workload);
        code = tiles::workload::load_control_elf(elf.data(), elf.size());
    } catch (const std::exception& e) {
        std::cerr << "tiles_bench: " << e.what() << "\n";
        return 1;
    }

    std::vector<double> wall, kernel_s, plain_s;
    ArrayRun last;
    bool all_exact = true;
    for (int rep = 0; rep < repetitions; ++rep) {
        last = run_array(workload, code, a, b, expected, config);
        if (!last.ok) {
            std::cerr << "tiles_bench: the GEMM failed on the array: " << last.error << "\n";
            return 1;
        }
        all_exact = all_exact && last.exact;
        wall.push_back(last.wall_s);
        std::vector<std::int32_t> c;
        kernel_s.push_back(kernel_gemm_seconds(a, b, m, k, n, c));
        all_exact = all_exact && c == expected;
        plain_s.push_back(plain_gemm_seconds(a, b, m, k, n, c));
        all_exact = all_exact && c == expected;
    }
    const double macs = double(m) * k * n;
    const double clock = config.timing.clock_hz;
    const double wall_s = median(wall);
    const double kernel_macs_s = macs / median(kernel_s);
    const double plain_macs_s = macs / median(plain_s);
    const double sim_s = double(last.cycles) / clock;
    const double modelled_tops = 2 * macs / sim_s / 1e12;
    const double peak_tops = config.timing.driver_peak_ops(config.geometry.columns) / 1e12;
    const unsigned cores = config.geometry.columns * config.geometry.core_rows;
    const double compute_bound_cycles = macs / (double(cores) * config.timing.int8_macs_per_cycle);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double peak_rss_mib = double(usage.ru_maxrss) / 1024.0; // ru_maxrss is in KiB

    std::cout << "tiles_bench: " << workload.op << " on " << config.geometry.columns
              << " columns x " << config.geometry.core_rows << " cores (" << workload.plan << ")\n";
    std::printf("  result                    %s (vs CPU reference, every repetition)\n",
                all_exact ? "bit-exact" : "MISMATCH");
    std::printf("  wall time through array   %.3f s (median of %d)\n", wall_s, repetitions);
    std::printf("  simulated                 %llu cycles = %.1f us at %.0f MHz\n",
                static_cast<unsigned long long>(last.cycles), sim_s * 1e6, clock / 1e6);
    std::printf("  simulation speed          %s/s (simulated cycles per wall second)\n",
                human(double(last.cycles) / wall_s, "cycles").c_str());
    std::printf("  slowdown vs the device    %.0fx (wall / simulated time)\n", wall_s / sim_s);
    std::printf("  kernel functional speed   %s/s (one kernel call, host)\n",
                human(kernel_macs_s, "MAC").c_str());
    std::printf("  plain host GEMM           %s/s\n", human(plain_macs_s, "MAC").c_str());
    std::printf("  kernel / plain            %.2fx\n", kernel_macs_s / plain_macs_s);
    std::printf("  array wall / kernel-only  %.2fx (simulation overhead around the kernels)\n",
                wall_s / median(kernel_s));
    std::printf("  modelled throughput       %.2f TOPS of %.2f TOPS peak (4096 x %u cols x %.0f "
                "MHz) = %.1f%%\n",
                modelled_tops, peak_tops, config.geometry.columns, clock / 1e6,
                100 * modelled_tops / peak_tops);
    std::printf("  compute-bound floor       %.0f cycles (%u cores x %u MAC/cycle); array "
                "cycles / floor = %.2f\n",
                compute_bound_cycles, cores, config.timing.int8_macs_per_cycle,
                double(last.cycles) / compute_bound_cycles);
    std::printf("  kernel busy               %.1f%% of core-cycles\n",
                100.0 * double(last.kernel_busy_cycles) / (double(last.cycles) * cores));
    std::printf("  tile memory allocated     %.1f MiB\n", double(last.tile_memory_bytes) / 1048576);
    std::printf("  peak resident memory      %.1f MiB (whole process)\n", peak_rss_mib);

    boost::json::object report;
    report["benchmark"] = "tiles_bench";
    report["workload"] = workload.op;
    report["plan"] = workload.plan;
    report["columns"] = config.geometry.columns;
    report["cores"] = cores;
    report["repetitions"] = repetitions;
    report["bit_exact"] = all_exact;
    report["wall_seconds"] = wall_s;
    report["simulated_cycles"] = last.cycles;
    report["clock_hz"] = clock;
    report["simulated_seconds"] = sim_s;
    report["simulated_cycles_per_wall_second"] = double(last.cycles) / wall_s;
    report["kernel_macs_per_second"] = kernel_macs_s;
    report["plain_host_macs_per_second"] = plain_macs_s;
    report["kernel_vs_plain_ratio"] = kernel_macs_s / plain_macs_s;
    report["array_wall_vs_kernel_only_ratio"] = wall_s / median(kernel_s);
    report["modelled_tops"] = modelled_tops;
    report["driver_peak_tops"] = peak_tops;
    report["modelled_vs_peak_ratio"] = modelled_tops / peak_tops;
    report["kernel_busy_fraction"] =
        double(last.kernel_busy_cycles) / (double(last.cycles) * cores);
    report["tile_memory_bytes"] = last.tile_memory_bytes;
    report["peak_rss_mib"] = peak_rss_mib;
    std::ofstream out(json_path);
    out << boost::json::serialize(report) << "\n";
    if (!out) {
        std::cerr << "tiles_bench: cannot write " << json_path << "\n";
        return 1;
    }
    std::cout << "  report                    " << json_path << "\n";
    return all_exact ? 0 : 1;
}
