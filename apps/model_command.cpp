// `aie4sim model`: the device model as a process of its own, serving one QEMU.
#include "apps/commands.h"
#include "apps/guest_launcher.h"
#include "apps/model_setup.h"
#include "apps/recording_options.h"
#include "common/config_node.h"
#include "common/log.h"
#include "cosim/bridge/bridge.h"
#include "models/aie4_device.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <systemc>

namespace aie4sim::apps {

namespace po = boost::program_options;
static_assert(cosim::kExitPeerLost == kModelExitPeerLost,
              "the launcher reads the model's status for a lost QEMU");

int model_command(const Arguments& args) {
    std::string socket;
    std::string config_file;
    std::string time_mode;
    std::string log_spec;
    std::string log_file;
    unsigned spin_us = 0;
    trace::RecordingOptions recording;
    unsigned spin_min_us = 0;
    bool dma_direct = true;
    std::string spread;
    bool accept_guests = false;
    po::options_description options("aie4sim model: serve one QEMU over a socket");
    options.add_options()("help", "show this help")(
        "socket", po::value(&socket)->required(),
        "where to listen: PATH or unix:PATH (default kind), or tcp:HOST:PORT")(
        "config", po::value(&config_file)->default_value(""),
        "device description (JSON); built-in AIE4 defaults when absent")(
        "time", po::value(&time_mode)->default_value("free"),
        "free: the model runs ahead freely; lockstep: it follows QEMU's SYNC (deterministic "
        "with QEMU -icount)")("log", po::value(&log_spec)->default_value("info"),
                              "log level, with per-category overrides: info,sriov=debug")(
        "log-file", po::value(&log_file)->default_value(""), "write the log here (default stderr)")(
        "spin-us", po::value(&spin_us)->default_value(200),
        "at most this many microseconds of busy-polling before sleeping; below it the budget "
        "follows the wake-up cost measured on this host (0: never spin)")(
        "spin-min-us", po::value(&spin_min_us)->default_value(2),
        "the spin budget's floor (equal to --spin-us: a fixed budget)")(
        "dma-direct", po::value(&dma_direct)->default_value(true),
        "DMA straight into guest RAM when QEMU shares it (on/off; off: 64 KiB messages)")(
        "spread", po::value(&spread)->default_value("apart"),
        "when the model finds QEMU's vCPU on its own CPU: apart (move off and stay off while "
        "its own CPU is free; on), move (move off once), off")(
        "guests", po::value(&accept_guests)->default_value(false),
        "keep listening after the host QEMU: guest VMs' QEMUs attach to one VF each (on/off; "
        "aie4sim vms)");
    add_recording_options(options, recording);
    po::variables_map vm;
    if (!parse_options(args, options, vm)) {
        return 0;
    }
    if (time_mode != "free" && time_mode != "lockstep") {
        throw std::invalid_argument("--time must be free or lockstep");
    }

    std::ofstream log_stream;
    if (!log_file.empty()) {
        log_stream.open(log_file, std::ios::app);
        if (!log_stream) {
            throw std::runtime_error("cannot write the log file " + log_file);
        }
        common::log_set_sink(&log_stream);
    }
    configure_model_log(log_spec);
    const auto loaded = load_config_or_report("model", config_file);
    if (!loaded) {
        return 2;
    }
    const models::DeviceConfig& config = *loaded;
    cosim::BridgeOptions bridge_options;
    bridge_options.listen = cosim::parse_listen_address(socket);
    bridge_options.mode =
        time_mode == "lockstep" ? cosim::TimeMode::lockstep : cosim::TimeMode::free;
    if (spin_min_us > spin_us) {
        throw std::invalid_argument("--spin-min-us must not exceed --spin-us");
    }
    bridge_options.spin.cap = std::chrono::microseconds(spin_us);
    bridge_options.spin.floor = std::chrono::microseconds(spin_min_us);
    bridge_options.dma_direct = dma_direct;
    const auto spread_mode = cosim::parse_spread_mode(spread);
    if (!spread_mode) {
        throw std::invalid_argument("--spread must be apart, move or off (got '" + spread + "')");
    }
    bridge_options.spread = *spread_mode;
    bridge_options.accept_guests = accept_guests;

    models::Aie4Device device("aie4", config);
    // Free mode: latencies the driver waits for in real time are kept in real time as well.
    common::WallClockAlarms wall_alarms;
    if (bridge_options.mode == cosim::TimeMode::free) {
        device.firmware().use_wall_clock_alarms(&wall_alarms);
        bridge_options.wall_alarms = &wall_alarms;
    }
    cosim::Bridge bridge("bridge", device.endpoint(), bridge_options);
    trace::DeviceRecording record(device, recording, recording_about("model"));
    AIE4SIM_LOG(info, "model",
                "AIE4 device from "
                    << config.origin << ": PF " << std::hex << config.pf.identity.vendor_id << ":"
                    << config.pf.identity.device_id << std::dec << ", " << config.sriov.total_vfs
                    << " VFs");
    const int status = bridge.run();
    record.finish();
    const cosim::BridgeCounters& c = bridge.counters();
    AIE4SIM_LOG(info, "model",
                "served " << c.config_reads << " config reads, " << c.config_writes
                          << " config writes, " << c.mmio_reads << " MMIO reads, " << c.mmio_writes
                          << " MMIO writes, " << c.dma_reads << " DMA reads, " << c.dma_writes
                          << " DMA writes (" << c.dma_bytes << " bytes, " << c.dma_direct_bytes
                          << " straight into guest RAM), " << c.msis << " MSI-X");
    return status;
}

} // namespace aie4sim::apps
