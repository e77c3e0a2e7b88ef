#pragma once
// The whole device in one process with the host model playing the driver: a scenario runs in
// an SC_THREAD (it waits on simulated time like a driver waits on the clock).

#include "models/aie4_device.h"
#include "models/host/host_driver.h"
#include "models/host/host_system.h"
#include "testbench/fresh_simulation.h"

#include <functional>
#include <string>
#include <utility>

namespace aie4sim::testing {

struct DeviceBench {
    FreshSimulation sim;
    models::DeviceConfig config;
    models::Aie4Device device;
    models::host::HostSystem host{"host", std::uint64_t{1} << 36}; // sparse
    models::host::HostDriver driver;
    std::string failure;

    explicit DeviceBench(models::DeviceConfig c = models::default_device_config())
        : config(std::move(c)), device("aie4", config), driver("driver", host, config) {
        driver.config.bind(device.endpoint().config_in);
        driver.mem.bind(device.endpoint().mem_in);
        device.endpoint().outbound.bind(host.bus);
    }

    // Runs `scenario` as the host's thread until it returns (once per bench: the simulation
    // ends with it); a DriverError or any exception is recorded in `failure`.
    void run(const std::function<void(models::host::HostDriver&)>& scenario) {
        sc_core::sc_spawn([this, scenario] {
            try {
                scenario(driver);
            } catch (const std::exception& e) {
                failure = e.what();
            }
            sc_core::sc_stop();
        });
        sc_core::sc_start();
    }
};

// The driver's probe, and optionally its SR-IOV enable: the start of most scenarios.
inline void bring_up(models::host::HostDriver& d, unsigned vfs = 0) {
    d.enumerate();
    d.probe_pf();
    if (vfs != 0) {
        d.enable_vfs(vfs);
    }
}

inline std::vector<std::uint8_t> words(std::initializer_list<std::uint32_t> w) {
    std::vector<std::uint8_t> out(w.size() * 4);
    std::size_t i = 0;
    for (std::uint32_t v : w) {
        std::memcpy(out.data() + 4 * i++, &v, 4);
    }
    return out;
}

inline std::uint32_t word(const std::vector<std::uint8_t>& payload, std::size_t index) {
    std::uint32_t v = 0;
    std::memcpy(&v, payload.data() + 4 * index, 4);
    return v;
}

} // namespace aie4sim::testing
