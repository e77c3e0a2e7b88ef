#pragma once
// One array with a simulated host memory in a fresh SystemC context, and a way to run a test
// body as a SystemC thread: run() spawns it and simulates until nothing is left to do.

#include "aie_tiles/aie_array.h"
#include "common/tlm/transaction.h"
#include "testbench/fresh_simulation.h"
#include "testbench/host_memory.h"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <tlm_utils/simple_initiator_socket.h>

namespace aie4sim::testing {

// Drives the array's control socket the way the device layer does.
class ControlMaster : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<ControlMaster> socket;
    explicit ControlMaster(const sc_core::sc_module_name& name)
        : sc_module(name), socket("socket") {}

    // One b_transport; returns the response status and adds the annotated delay to `delay`.
    tlm::tlm_response_status access(bool write, std::uint64_t address, void* data,
                                    std::uint32_t length, sc_core::sc_time& delay) {
        tlm_util::Transaction t(write, address, data, length);
        t.send(socket, delay);
        return t.payload().get_response_status();
    }
};

class ArrayBench {
public:
    explicit ArrayBench(const tiles::ArrayConfig& config = {})
        : host("host"), control("control"),
          array(std::make_unique<tiles::AieArray>("array", config)) {
        array->host.bind(host.socket);
        control.socket.bind(array->control);
    }

    // Runs `body` in a SystemC thread until the simulation has nothing left to do. A body
    // that never returns (it waits for something that never happens) fails the test.
    void run(std::function<void()> body) {
        bool completed = false;
        sc_core::sc_spawn(
            [&completed, body = std::move(body)] {
                body();
                completed = true;
            },
            "test_body");
        sc_core::sc_start();
        INFO("the test body was still waiting when the simulation ran out of events");
        CHECK(completed);
    }

    // The address a shim BD uses for host bus address `host` (aie.host_address_offset).
    [[nodiscard]] std::uint64_t aie(std::uint64_t bus_address) const {
        return bus_address + array->config().host_address_offset;
    }

    [[nodiscard]] std::uint64_t cycles(const sc_core::sc_time& t) const {
        return array->context().to_cycles(t);
    }
    [[nodiscard]] std::uint64_t now_cycles() const { return cycles(sc_core::sc_time_stamp()); }

private:
    FreshSimulation fresh_; // first: every module below lives in the fresh context

public:
    HostMemory host;
    ControlMaster control;
    std::unique_ptr<tiles::AieArray> array;
};

} // namespace aie4sim::testing
