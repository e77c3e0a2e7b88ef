#include "benchmarks/bridge_report.h"

#include "benchmarks/host_cpu.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/utsname.h>
#include <unistd.h>
#include <vector>

namespace aie4sim::bench {

namespace json = boost::json;

namespace {

constexpr double kTargetMedianNs = 2000;
constexpr double kTargetP99Ns = 10000;
constexpr double kTargetOverStock = 20;
constexpr double kTargetDmaOverMemcpy = 0.5;

struct SideFigures {
    a4s_wait_stats wait{};
    a4s_dma_stats dma{};
};

// What a phase of the guest script made both processes do.
struct PhaseFigures {
    bool measured = false;
    double wall_s = 0;
    std::optional<SideFigures> model;
    std::optional<SideFigures> qemu;
    std::vector<ThreadDelta> threads;
    std::vector<std::pair<std::string, double>> cpu_percent;
};

PhaseFigures phase_figures(const ConsoleLog& c, const std::string& key) {
    PhaseFigures f;
    const Phase* p = c.phase(key);
    if (p == nullptr || !c.probe) {
        return f;
    }
    f.measured = true;
    f.wall_s = p->end->wall_s - p->begin->wall_s;
    const auto& names = c.probe->names();
    f.threads = thread_deltas(*p->begin, *p->end, names);
    f.cpu_percent = cpu_percent(*p->begin, *p->end, names);
    if (p->begin->model_side && p->end->model_side) {
        f.model = SideFigures{minus(p->end->model_side->stats, p->begin->model_side->stats),
                              minus(p->end->model_side->dma, p->begin->model_side->dma)};
        f.qemu = SideFigures{minus(p->end->qemu_side->stats, p->begin->qemu_side->stats),
                             minus(p->end->qemu_side->dma, p->begin->qemu_side->dma)};
    }
    return f;
}

std::optional<Latency> latency(const ConsoleLog& c, const std::string& key) {
    const auto it = c.mmio.find(key);
    if (it == c.mmio.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::string cell(const std::optional<Latency>& l, bool p99) {
    if (!l) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", p99 ? l->p99_ns : l->median_ns);
    return buf;
}

std::optional<double> ratio(const std::optional<Latency>& a, const std::optional<Latency>& b) {
    if (!a || !b || b->median_ns <= 0) {
        return std::nullopt;
    }
    return a->median_ns / b->median_ns;
}

std::string percent_text(const std::optional<double>& r) {
    if (!r) {
        return "-";
    }
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.0f%%", *r * 100);
    return pct;
}

std::string ratio_text(const std::optional<double>& r) {
    if (!r) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, *r >= 10 ? "%.1fx" : "%.3gx", *r);
    return buf;
}

json::value opt_json(const std::optional<double>& v) {
    return v ? json::value(*v) : json::value(nullptr);
}

json::value latency_json(const std::optional<Latency>& l) {
    if (!l) {
        return nullptr;
    }
    return json::object{{"median_ns", l->median_ns}, {"p99_ns", l->p99_ns}, {"min_ns", l->min_ns}};
}

const char* verdict(std::optional<bool> met) {
    return !met ? "not measured" : (*met ? "met" : "NOT MET");
}

json::value verdict_json(std::optional<bool> met) {
    return met ? json::value(*met) : json::value(nullptr);
}

std::optional<bool> fast_enough(const std::optional<Latency>& l) {
    if (!l) {
        return std::nullopt;
    }
    return l->median_ns <= kTargetMedianNs && l->p99_ns <= kTargetP99Ns;
}

std::optional<bool> at_least(const std::optional<double>& r, double target) {
    if (!r) {
        return std::nullopt;
    }
    return *r >= target;
}

double avg_us(std::uint64_t total_ns, std::uint64_t count) {
    return count == 0 ? 0 : static_cast<double>(total_ns) / static_cast<double>(count) / 1000.0;
}

// The model's DMA throughput over the time it spent in DMA (translation and copy included).
std::optional<double> transport_mb_per_s(const PhaseFigures& f) {
    if (!f.model || f.model->dma.busy_ns == 0) {
        return std::nullopt;
    }
    const double bytes =
        static_cast<double>(f.model->dma.direct_bytes + f.model->dma.message_bytes);
    return bytes / static_cast<double>(f.model->dma.busy_ns) * 1000.0;
}

constexpr const char* kPathPhases[] = {"aie4sim_pf read",  "aie4sim_pf write", "aie4sim_vf read",
                                       "aie4sim_vf write", "dma-4k",           "dma-2m"};

struct DmaPhase {
    const char* key;
    const char* label;
};
const DmaPhase kDmaPhases[] = {{"dma-4k", "buffer in 4 KiB pages (one IOMMU page after another)"},
                               {"dma-2m", "buffer in 2 MiB huge pages"}};

void print_side(const char* phase, const char* side, const SideFigures& f) {
    const a4s_wait_stats& w = f.wait;
    std::printf(
        "  %-17s %-6s %7llu %7llu %8llu %8llu %6llu %7llu %9.1f %8llu %6llu %6llu %5llu %8.1f\n",
        phase, side, static_cast<unsigned long long>(w.waits),
        static_cast<unsigned long long>(w.ready), static_cast<unsigned long long>(w.spin_hits),
        static_cast<unsigned long long>(w.spin_misses),
        static_cast<unsigned long long>(w.spin_skips), static_cast<unsigned long long>(w.sleeps),
        avg_us(w.wake_ns, w.sleeps), static_cast<unsigned long long>(w.wakes_sent),
        static_cast<unsigned long long>(w.kicks_sent), static_cast<unsigned long long>(w.moves),
        static_cast<unsigned long long>(w.spread_releases),
        static_cast<double>(w.spin_budget_ns) / 1000.0);
}

void print_threads(const char* title, const PhaseFigures& f) {
    if (!f.measured) {
        return;
    }
    std::printf("  %s (%.2f s):", title, f.wall_s);
    bool any = false;
    for (const ThreadDelta& t : f.threads) {
        // Only threads that did something worth a line.
        if (t.run_s < 0.01 * f.wall_s && t.voluntary < 20 && t.involuntary < 5) {
            continue;
        }
        std::printf("\n    %-7s %-16s ran %8.1f ms, runnable but waiting %7.1f ms, %7ld sleeps, "
                    "%6ld preemptions",
                    t.process.c_str(), t.name.c_str(), t.run_s * 1e3, t.wait_s * 1e3, t.voluntary,
                    t.involuntary);
        any = true;
    }
    std::printf("%s\n", any ? "" : " nothing");
}

json::value side_json(const std::optional<SideFigures>& f) {
    if (!f) {
        return nullptr;
    }
    const a4s_wait_stats& w = f->wait;
    const a4s_dma_stats& d = f->dma;
    return json::object{{"waits", w.waits},
                        {"ready", w.ready},
                        {"spin_hits", w.spin_hits},
                        {"spin_misses", w.spin_misses},
                        {"spin_skips", w.spin_skips},
                        {"sleeps", w.sleeps},
                        {"sleep_ns", w.sleep_ns},
                        {"spin_ns", w.spin_ns},
                        {"wake_ns_total", w.wake_ns},
                        {"wakes_sent", w.wakes_sent},
                        {"kicks_sent", w.kicks_sent},
                        {"kick_wakes", w.kick_wakes},
                        {"kick_wake_ns_total", w.kick_wake_ns},
                        {"wake_ewma_ns", w.wake_ewma_ns},
                        {"spin_budget_ns", w.spin_budget_ns},
                        {"moves", w.moves},
                        {"spread_releases", w.spread_releases},
                        {"dma", json::object{{"requests", d.requests},
                                             {"direct_bytes", d.direct_bytes},
                                             {"message_bytes", d.message_bytes},
                                             {"maps", d.maps},
                                             {"extents", d.extents},
                                             {"busy_ns", d.busy_ns}}}};
}

json::value phase_json(const PhaseFigures& f) {
    if (!f.measured) {
        return nullptr;
    }
    json::array threads;
    for (const ThreadDelta& t : f.threads) {
        threads.push_back(json::object{{"process", t.process},
                                       {"thread", t.name},
                                       {"run_s", t.run_s},
                                       {"runnable_wait_s", t.wait_s},
                                       {"voluntary_switches", t.voluntary},
                                       {"involuntary_switches", t.involuntary}});
    }
    json::object cpu;
    for (const auto& [name, pct] : f.cpu_percent) {
        cpu[name] = pct;
    }
    return json::object{{"wall_s", f.wall_s},
                        {"model", side_json(f.model)},
                        {"qemu", side_json(f.qemu)},
                        {"cpu_percent", std::move(cpu)},
                        {"threads", std::move(threads)}};
}

std::string cpu_list(const PhaseFigures& f) {
    std::string out;
    for (const auto& [name, pct] : f.cpu_percent) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s%s %.2f%%", out.empty() ? "" : ", ", name.c_str(), pct);
        out += buf;
    }
    return out.empty() ? "not measured" : out;
}

} // namespace

HostInfo describe_host(const std::string& cpus) {
    utsname uts{};
    ::uname(&uts);
    HostInfo h;
    h.node = uts.nodename;
    h.cpu = aie4sim::bench::cpu_model();
    h.kernel = uts.release;
    h.kernel_version = uts.version;
    h.machine = uts.machine;
    h.nproc = ::sysconf(_SC_NPROCESSORS_ONLN);
    h.cpus = cpus;
    h.load = load_1min();
    return h;
}

void print_host(const HostInfo& h, const Settings& s) {
    std::printf("bridge_bench: host %s, %ld CPUs (%s), kernel %s; load %.2f%s%s\n", h.node.c_str(),
                h.nproc, h.cpu.c_str(), h.kernel.c_str(), h.load,
                h.cpus.empty() ? "" : "; everything runs on CPUs ", h.cpus.c_str());
    if (h.load > 0.5 * static_cast<double>(h.nproc)) {
        std::printf("  warning: the machine is busy (load %.2f on %ld CPUs): expect noisy "
                    "latencies\n",
                    h.load, h.nproc);
    }
    std::printf("  samples: %ld per MMIO measurement, %ld through the stock bridge; DMA %u x %u "
                "bytes; idle %u s\n",
                s.samples, s.stock_samples, s.dma_repeat, s.dma_bytes, s.idle_s);
    for (const auto& a : s.model_args) {
        std::printf("  model argument: %s\n", a.c_str());
    }
    for (const auto& a : s.qemu_args) {
        std::printf("  QEMU argument: %s\n", a.c_str());
    }
    std::fflush(stdout);
}

json::value host_json(const HostInfo& h) {
    return json::object{{"node", h.node},
                        {"cpu", h.cpu},
                        {"nproc", h.nproc},
                        {"kernel", h.kernel},
                        {"kernel_version", h.kernel_version},
                        {"machine", h.machine},
                        {"cpus", h.cpus},
                        {"load_1min_at_start", h.load}};
}

MemcpyFigure measure_memcpy(unsigned bytes) {
    std::vector<std::uint8_t> from(bytes, 0x5A);
    std::vector<std::uint8_t> to(bytes, 0);
    std::vector<double> rates;
    for (int i = 0; i < 41; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        std::memcpy(to.data(), from.data(), bytes);
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (i > 0 && s > 0) { // the first copy faults the pages in
            rates.push_back(static_cast<double>(bytes) / s / 1e6);
        }
        from[i % bytes] = to[(i * 7) % bytes]; // keep the copies from being optimised away
    }
    std::sort(rates.begin(), rates.end());
    MemcpyFigure f;
    f.mb_per_s = rates.empty() ? 0 : rates[rates.size() / 2];
    return f;
}

void print_pass(const PassResult& pass, const Settings& s, const MemcpyFigure& memcpy_figure) {
    const ConsoleLog& a = *pass.aie4sim_console;
    const ConsoleLog& c = *pass.stock_console;
    struct Row {
        const char* key;
        const char* label;
        const ConsoleLog& log;
    };
    const Row rows[] = {{"in_qemu", "in-QEMU (pci-testdev)", a},
                        {"stock_bridge", "stock QEMU bridge (x-pci-proxy-dev)", c},
                        {"aie4sim_pf", "aie4sim PF (BAR0 0xF004)", a},
                        {"aie4sim_vf", "aie4sim VF1 (BAR0 0xF004)", a}};
    std::printf("\n[%s] MMIO round trips from a guest user program (ns; write = write + read "
                "back)\n",
                pass.load.c_str());
    std::printf("  %-37s %10s %10s %10s %10s\n", "path", "read med", "read p99", "write med",
                "write p99");
    for (const auto& row : rows) {
        const auto read = latency(row.log, std::string(row.key) + " read");
        const auto write = latency(row.log, std::string(row.key) + " write");
        std::printf("  %-37s %10s %10s %10s %10s\n", row.label, cell(read, false).c_str(),
                    cell(read, true).c_str(), cell(write, false).c_str(),
                    cell(write, true).c_str());
    }
    const auto stock_read = latency(c, "stock_bridge read");
    const auto stock_write = latency(c, "stock_bridge write");
    const auto pf_read = latency(a, "aie4sim_pf read");
    const auto vf_read = latency(a, "aie4sim_vf read");
    std::printf("  stock / aie4sim, medians: PF read %s, write %s; VF read %s, write %s\n",
                ratio_text(ratio(stock_read, pf_read)).c_str(),
                ratio_text(ratio(stock_write, latency(a, "aie4sim_pf write"))).c_str(),
                ratio_text(ratio(stock_read, vf_read)).c_str(),
                ratio_text(ratio(stock_write, latency(a, "aie4sim_vf write"))).c_str());
    std::printf("  aie4sim / in-QEMU, read medians: PF %s, VF %s\n",
                ratio_text(ratio(pf_read, latency(a, "in_qemu read"))).c_str(),
                ratio_text(ratio(vf_read, latency(a, "in_qemu read"))).c_str());

    std::printf("\n[%s] Which path served the waits, on each side (counts over the phase;\n"
                "  ready: the message was there at once; spin hit: it came while spinning;\n"
                "  miss: the spin budget ran out; skip: no spin, the peer was on this CPU;\n"
                "  sleep: a futex sleep; woke / kicks: futex wake-ups / socket KICKs sent;\n"
                "  moved: moved itself off the peer's CPU; freed: stopped keeping off it, its own\n"
                "  CPU was busy; budget: spin budget at the end, us)\n",
                pass.load.c_str());
    std::printf("  %-17s %-6s %7s %7s %8s %8s %6s %7s %9s %8s %6s %6s %5s %8s\n", "phase", "side",
                "waits", "ready", "spin hit", "miss", "skip", "sleeps", "wake(us)", "woke", "kicks",
                "moved", "freed", "budget");
    for (const char* key : kPathPhases) {
        const PhaseFigures f = phase_figures(a, key);
        if (!f.model) {
            std::printf("  %-17s not measured\n", key);
            continue;
        }
        print_side(key, "model", *f.model);
        print_side("", "QEMU", *f.qemu);
    }

    std::printf("\n[%s] What the threads did (only those that did something)\n", pass.load.c_str());
    print_threads("aie4sim PF reads", phase_figures(a, "aie4sim_pf read"));
    print_threads("aie4sim VF reads", phase_figures(a, "aie4sim_vf read"));
    print_threads("stock bridge reads", phase_figures(c, "stock_bridge read"));

    const PhaseFigures idle_a = phase_figures(a, "idle");
    const PhaseFigures idle_c = phase_figures(c, "idle");
    std::printf("\n[%s] Idle: the guest sleeps %u s; CPU each process burns (%% of one CPU)\n",
                pass.load.c_str(), s.idle_s);
    std::printf("  aie4sim run: %s\n", cpu_list(idle_a).c_str());
    std::printf("  stock run:   %s\n", cpu_list(idle_c).c_str());

    std::printf("\n[%s] DMA into guest memory (VF1 bound to vfio-pci, buffer at an IOVA, "
                "vIOMMU on); host memcpy of %u bytes: %.1f MB/s\n",
                pass.load.c_str(), s.dma_bytes, memcpy_figure.mb_per_s);
    std::optional<double> best_transport_ratio;
    for (const DmaPhase& phase : kDmaPhases) {
        const PhaseFigures dma = phase_figures(a, phase.key);
        const auto transport = transport_mb_per_s(dma);
        const auto guest = a.dma.find(phase.key);
        std::printf("  %s:\n", phase.label);
        if (guest != a.dma.end()) {
            std::printf("    guest, end to end: %u fills of %u bytes in %.3f ms = %.1f MB/s "
                        "(%s of memcpy; each fill: MMIO\n      programming, the model's "
                        "pattern, the copy, MSI-X, vfio's eventfd, TCG)\n",
                        guest->second.repeat, guest->second.bytes, guest->second.ms,
                        guest->second.mb_per_s,
                        percent_text(guest->second.mb_per_s / memcpy_figure.mb_per_s).c_str());
        }
        if (dma.model) {
            const a4s_dma_stats& d = dma.model->dma;
            const a4s_dma_stats& q = dma.qemu->dma;
            const std::optional<double> over =
                transport ? std::optional<double>(*transport / memcpy_figure.mb_per_s)
                          : std::nullopt;
            if (over && (!best_transport_ratio || *over > *best_transport_ratio)) {
                best_transport_ratio = over;
            }
            std::printf("    model, transport: %.1f MB/s = %s of memcpy (bytes over the time in "
                        "DMA, translation included);\n      %llu requests, %llu bytes straight "
                        "into guest RAM, %llu by messages; %llu DMA_MAP, %llu extents;\n      "
                        "QEMU translated each in %.1f us on average\n",
                        transport.value_or(0), percent_text(over).c_str(),
                        static_cast<unsigned long long>(d.requests),
                        static_cast<unsigned long long>(d.direct_bytes),
                        static_cast<unsigned long long>(d.message_bytes),
                        static_cast<unsigned long long>(d.maps),
                        static_cast<unsigned long long>(d.extents), avg_us(q.busy_ns, q.maps));
        } else {
            std::printf("    model: not measured\n");
        }
    }

    std::printf("\n[%s] Targets (reported, never enforced)\n", pass.load.c_str());
    std::printf("  median read <= 2 us and p99 <= 10 us: PF %s, VF %s\n",
                verdict(fast_enough(pf_read)), verdict(fast_enough(vf_read)));
    std::printf("  stock bridge / aie4sim >= 20x (median reads): PF %s, VF %s\n",
                verdict(at_least(ratio(stock_read, pf_read), kTargetOverStock)),
                verdict(at_least(ratio(stock_read, vf_read), kTargetOverStock)));
    std::printf("  DMA transport >= 50%% of memcpy (the better of the two buffers): %s\n",
                verdict(at_least(best_transport_ratio, kTargetDmaOverMemcpy)));
    std::fflush(stdout);
}

json::value pass_json(const PassResult& pass, const Settings& s,
                      const MemcpyFigure& memcpy_figure) {
    const ConsoleLog& a = *pass.aie4sim_console;
    const ConsoleLog& c = *pass.stock_console;
    json::object mmio;
    for (const auto* log : {&a, &c}) {
        for (const auto& [key, l] : log->mmio) {
            mmio[key] = latency_json(l);
        }
    }
    const auto stock_read = latency(c, "stock_bridge read");
    const auto pf_read = latency(a, "aie4sim_pf read");
    const auto vf_read = latency(a, "aie4sim_vf read");
    json::object phases;
    for (const char* key : kPathPhases) {
        phases[key] = phase_json(phase_figures(a, key));
    }
    phases["in_qemu read"] = phase_json(phase_figures(a, "in_qemu read"));
    phases["idle"] = phase_json(phase_figures(a, "idle"));
    phases["stock_bridge read"] = phase_json(phase_figures(c, "stock_bridge read"));
    phases["stock idle"] = phase_json(phase_figures(c, "idle"));
    json::object dma_json{{"memcpy_mb_per_s", memcpy_figure.mb_per_s}};
    std::optional<double> best_transport_ratio;
    for (const DmaPhase& phase : kDmaPhases) {
        const auto transport = transport_mb_per_s(phase_figures(a, phase.key));
        const auto over =
            transport ? std::optional<double>(*transport / memcpy_figure.mb_per_s) : std::nullopt;
        if (over && (!best_transport_ratio || *over > *best_transport_ratio)) {
            best_transport_ratio = over;
        }
        json::object one{{"label", phase.label},
                         {"transport_mb_per_s", opt_json(transport)},
                         {"transport_over_memcpy", opt_json(over)}};
        if (const auto g = a.dma.find(phase.key); g != a.dma.end()) {
            one["guest"] = json::object{{"bytes_per_fill", g->second.bytes},
                                        {"fills", g->second.repeat},
                                        {"ms", g->second.ms},
                                        {"mb_per_s", g->second.mb_per_s}};
        }
        dma_json[phase.key] = std::move(one);
    }
    json::array runs;
    for (const RunResult* r : {&pass.aie4sim, &pass.stock}) {
        runs.push_back(json::object{{"name", r->name},
                                    {"ok", r->ok},
                                    {"status", r->status},
                                    {"guest_status", r->guest_status},
                                    {"wall_s", r->wall_s},
                                    {"load_1min_before", r->load_before},
                                    {"load_1min_after", r->load_after},
                                    {"problem", r->problem}});
    }
    return json::object{
        {"load", pass.load},
        {"samples", s.samples},
        {"mmio", std::move(mmio)},
        {"ratios",
         json::object{
             {"stock_over_aie4sim_pf_read", opt_json(ratio(stock_read, pf_read))},
             {"stock_over_aie4sim_vf_read", opt_json(ratio(stock_read, vf_read))},
             {"stock_over_aie4sim_pf_write",
              opt_json(ratio(latency(c, "stock_bridge write"), latency(a, "aie4sim_pf write")))},
             {"stock_over_aie4sim_vf_write",
              opt_json(ratio(latency(c, "stock_bridge write"), latency(a, "aie4sim_vf write")))}}},
        {"phases", std::move(phases)},
        {"dma", std::move(dma_json)},
        {"targets",
         json::object{
             {"read_median_le_2us_p99_le_10us",
              json::object{{"pf", verdict_json(fast_enough(pf_read))},
                           {"vf", verdict_json(fast_enough(vf_read))}}},
             {"stock_over_aie4sim_ge_20x",
              json::object{
                  {"pf", verdict_json(at_least(ratio(stock_read, pf_read), kTargetOverStock))},
                  {"vf", verdict_json(at_least(ratio(stock_read, vf_read), kTargetOverStock))}}},
             {"dma_transport_ge_half_memcpy",
              verdict_json(at_least(best_transport_ratio, kTargetDmaOverMemcpy))}}},
        {"runs", std::move(runs)}};
}

} // namespace aie4sim::bench
