// Configuration and MMIO transactions per second through the PCIe/SR-IOV TLM models, with and
// without temporal decoupling. The initiator is an SC_THREAD; each register access is
// annotated with a device latency. Without decoupling the initiator waits for that latency
// after every access (one context switch per transaction); with a tlm_quantumkeeper it runs
// ahead up to the global quantum and synchronises only then. Both modes run in the same
// process, so the ratio is measured on the same machine state.
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "models/device_config.h"
#include "pcie/config_regs.h"
#include "sriov/endpoint.h"
#include "sriov/sriov_capability.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

using namespace aie4sim;
namespace po = boost::program_options;
namespace reg = aie4sim::pcie::reg;
namespace cap = aie4sim::sriov::cap;

namespace {

constexpr std::uint64_t kVfBar0 = 0xC0000000;

// A register block: 4 KiB of registers, each access costs `latency` of device time.
struct RegisterBlock : sc_core::sc_module {
    tlm_utils::simple_target_socket<RegisterBlock> socket;
    std::uint32_t regs[1024] = {};
    sc_core::sc_time latency;
    RegisterBlock(const sc_core::sc_module_name& n, const sc_core::sc_time& l)
        : sc_core::sc_module(n), socket("socket"), latency(l) {
        socket.register_b_transport(this, &RegisterBlock::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time& delay) {
        auto* word = &regs[(t.get_address() / 4) % 1024];
        if (t.is_write()) {
            std::memcpy(word, t.get_data_ptr(), 4);
        } else {
            std::memcpy(t.get_data_ptr(), word, 4);
        }
        delay += latency;
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

struct Result {
    std::uint64_t transactions = 0;
    double seconds = 0;
    double simulated_ns = 0;
    [[nodiscard]] double per_second() const { return transactions / seconds; }
};

struct Driver : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<Driver> config;
    tlm_utils::simple_initiator_socket<Driver> mem;
    std::uint64_t count;
    bool decoupled;
    bool mmio;
    Result result;
    tlm_utils::tlm_quantumkeeper qk;

    Driver(const sc_core::sc_module_name& n, std::uint64_t c, bool d, bool m)
        : sc_core::sc_module(n), config("config"), mem("mem"), count(c), decoupled(d), mmio(m) {
        SC_THREAD(run);
    }
    SC_HAS_PROCESS(Driver);

    void access(tlm_utils::simple_initiator_socket<Driver>& s, bool write, std::uint64_t addr,
                std::uint32_t& value) {
        // Decoupled: the access starts at the quantum keeper's local time (the one place a
        // quantum keeper is used: docs/architecture.md, "Timing annotations").
        sc_core::sc_time delay = decoupled ? qk.get_local_time() : sc_core::SC_ZERO_TIME;
        if (!tlm_util::Transaction(write, addr, &value, 4).send(s, delay)) {
            SC_REPORT_FATAL("bench", "transaction failed");
        }
        if (decoupled) {
            qk.set(delay);
            if (qk.need_sync()) {
                qk.sync();
            }
        } else {
            wait(delay);
        }
    }

    void write_cfg(unsigned fn, std::uint16_t off, std::uint32_t v) {
        access(config, true, (std::uint64_t{fn} << sriov::kFunctionShift) | off, v);
    }

    void run() {
        qk.reset();
        // Enable 4 VFs with their BAR apertures, as a host would.
        const std::uint16_t sr = 0x108;
        write_cfg(0, sr + cap::kVfBar0, kVfBar0 & 0xFFFFFFFF);
        write_cfg(0, sr + cap::kVfBar0 + 4, 0);
        write_cfg(0, sr + cap::kNumVfs, 4);
        write_cfg(0, sr + cap::kControl, cap::kCtlVfEnable | cap::kCtlVfMse);
        const auto start = std::chrono::steady_clock::now();
        const sc_core::sc_time t0 = sc_core::sc_time_stamp();
        std::uint32_t v = 0;
        for (std::uint64_t i = 0; i < count; ++i) {
            if (mmio) {
                // alternate VFs and registers so every access goes through VF BAR decode
                const std::uint64_t vf = i % 4;
                access(mem, (i & 1) != 0, kVfBar0 + vf * 0x10000 + ((i * 4) & 0xFFF), v);
            } else {
                access(config, false, ((i % 5) << sriov::kFunctionShift) | reg::kCommand, v);
            }
        }
        if (decoupled) {
            qk.sync();
        }
        const auto end = std::chrono::steady_clock::now();
        result.transactions = count;
        result.seconds = std::chrono::duration<double>(end - start).count();
        result.simulated_ns = (sc_core::sc_time_stamp() - t0).to_seconds() * 1e9;
    }
};

Result run_once(std::uint64_t count, bool decoupled, bool mmio, const sc_core::sc_time& quantum) {
    sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
    sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    tlm_utils::tlm_quantumkeeper::set_global_quantum(quantum);
    const models::DeviceConfig config = models::default_device_config();
    sriov::Endpoint ep("ep", config.pf, config.sriov);
    std::vector<std::unique_ptr<RegisterBlock>> blocks;
    for (unsigned n = 1; n <= ep.total_vfs(); ++n) {
        for (unsigned b : {0u, 2u}) {
            blocks.push_back(std::make_unique<RegisterBlock>(
                ("regs" + std::to_string(n) + "_" + std::to_string(b)).c_str(),
                sc_core::sc_time(10, sc_core::SC_NS)));
            ep.vf(n).app_bar(b).bind(blocks.back()->socket);
        }
    }
    Driver driver("driver", count, decoupled, mmio);
    driver.config.bind(ep.config_in);
    driver.mem.bind(ep.mem_in);
    sc_core::sc_start();
    return driver.result;
}

} // namespace

int sc_main(int argc, char* argv[]) {
    po::options_description options("pcie_tlm_bench: TLM transactions per second");
    std::uint64_t count = 0;
    double quantum_ns = 0;
    std::string json_path;
    options.add_options()("help", "show this help")(
        "transactions", po::value(&count)->default_value(2000000), "transactions per run")(
        "quantum-ns", po::value(&quantum_ns)->default_value(1000), "global quantum (ns)")(
        "json", po::value(&json_path)->default_value("pcie_tlm_bench.json"), "JSON report path");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, options), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "pcie_tlm_bench: " << e.what() << "\n" << options;
        return 2;
    }
    if (vm.count("help") != 0U) {
        std::cout << options;
        return 0;
    }
    common::log_configure("off");
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_,
                                            sc_core::SC_DO_NOTHING);
    const sc_core::sc_time quantum(quantum_ns, sc_core::SC_NS);

    boost::json::object report;
    report["benchmark"] = "pcie_tlm_bench";
    report["transactions_per_run"] = count;
    report["quantum_ns"] = quantum_ns;
    boost::json::array rows;
    std::printf("%-6s %14s %14s %8s\n", "kind", "sync (txn/s)", "decoupled", "ratio");
    for (bool mmio : {false, true}) {
        const Result sync = run_once(count, false, mmio, quantum);
        const Result dec = run_once(count, true, mmio, quantum);
        const double ratio = dec.per_second() / sync.per_second();
        const char* kind = mmio ? "mmio" : "config";
        std::printf("%-6s %14.0f %14.0f %7.1fx\n", kind, sync.per_second(), dec.per_second(),
                    ratio);
        boost::json::object row;
        row["kind"] = kind;
        row["synchronous_per_second"] = sync.per_second();
        row["decoupled_per_second"] = dec.per_second();
        row["decoupled_over_synchronous"] = ratio;
        row["synchronous_ns_per_transaction"] = 1e9 / sync.per_second();
        row["decoupled_ns_per_transaction"] = 1e9 / dec.per_second();
        row["simulated_ns"] = dec.simulated_ns;
        rows.push_back(std::move(row));
    }
    report["results"] = std::move(rows);
    std::ofstream out(json_path);
    out << boost::json::serialize(report) << "\n";
    std::printf("report: %s\n", json_path.c_str());
    return out ? 0 : 1;
}
