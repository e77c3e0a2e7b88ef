#pragma once
// bridge_bench's guest runs: the aie4sim run (our QEMU and the model, with an in-QEMU
// pci-testdev as the baseline) and the stock run (Debian's QEMU and its multi-process socket
// bridge). Each guest script marks its phases on the console; at each mark the run's probe
// snapshots both processes, so every figure comes with what the processes did meanwhile.

#define BOOST_PROCESS_USE_STD_FS
#include "benchmarks/bridge_probe.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace aie4sim::bench {

extern std::atomic<int> g_signal;
void install_signal_handlers();
double load_1min();

struct Latency {
    double median_ns = 0;
    double p99_ns = 0;
    double min_ns = 0;
};

struct Dma {
    unsigned repeat = 0;
    unsigned bytes = 0;
    double ms = 0;
    double mb_per_s = 0;
};

// A phase of the guest script, with the snapshots taken at its start and its end.
struct Phase {
    std::string key; // "aie4sim_pf read", "idle", "dma", ...
    std::optional<Snapshot> begin;
    std::optional<Snapshot> end;
};

// Collects the guest console: the tool results, the phases, the guest's exit status.
struct ConsoleLog {
    std::mutex mutex;
    std::map<std::string, Latency> mmio; // "aie4sim_pf read" -> figures
    std::map<std::string, long> samples;
    std::map<std::string, Dma> dma; // "dma-4k", "dma-2m": the IOMMU page size of the buffer
    std::vector<Phase> phases;
    std::vector<std::string> errors; // BENCH-ERROR lines
    int guest_status = -1;
    bool done = false;
    std::vector<std::string> tail;
    bool echo = false;
    std::shared_ptr<RunProbe> probe; // set when the run starts
    std::string dma_key;             // the DMA measurement under way (BENCH-DMA)

    void line(const std::string& text);
    void print_tail(std::ostream& out);
    [[nodiscard]] const Phase* phase(const std::string& key) const;
};

struct RunResult {
    std::string name;
    bool ok = false;
    int status = -1;       // what the runner returned
    int guest_status = -1; // AIE4SIM-EXIT-STATUS
    double wall_s = 0;
    double load_before = 0;
    double load_after = 0;
    std::string problem; // why it failed, or a note
    std::filesystem::path folder;
};

struct Settings {
    long samples = 20000;
    long stock_samples = 5000;
    unsigned dma_bytes = 4u << 20;
    unsigned dma_repeat = 32;
    unsigned idle_s = 3;
    unsigned timeout_s = 600;
    bool keep = false;
    bool verbose = false;
    std::vector<std::string> model_args; // passed to `aie4sim model` (experiments)
    std::vector<std::string> qemu_args;  // passed to our QEMU (e.g. -global aie4sim-pf.spin-us=0)
    std::filesystem::path stock_qemu = "/usr/bin/qemu-system-x86_64";
    std::filesystem::path base; // the run folders live here
    std::filesystem::path model_exe;
    std::filesystem::path qemu_exe; // our QEMU; empty: the build tree's
};

RunResult run_aie4sim(const Settings& s, const std::string& tag, ConsoleLog& console);
RunResult run_stock(const Settings& s, const std::string& tag, ConsoleLog& console);

// A run is good when the guest said status 0 and printed every figure it was asked for.
void judge(RunResult& r, ConsoleLog& c, const std::vector<std::string>& keys, bool want_dma);

// One load condition: the aie4sim run and the stock run under it.
struct PassResult {
    std::string load; // "quiet" or "busy"
    RunResult aie4sim;
    RunResult stock;
    std::unique_ptr<ConsoleLog> aie4sim_console = std::make_unique<ConsoleLog>();
    std::unique_ptr<ConsoleLog> stock_console = std::make_unique<ConsoleLog>();
};

// Runs both under `load`: "quiet", or "busy" (BusyCpu for the whole pass).
PassResult run_pass(const Settings& s, const std::string& load);

// A process that burns one CPU until it is stopped (the "one core busy" condition).
class BusyCpu {
public:
    BusyCpu();
    ~BusyCpu();
    BusyCpu(const BusyCpu&) = delete;
    BusyCpu& operator=(const BusyCpu&) = delete;

private:
    int pid_ = -1;
};

} // namespace aie4sim::bench
