// The CERT interpreter on the tile array: control code from the input runs on the uCs of a
// three-column partition, as the command processor runs a command. Whatever it does, the run
// ends (ok, or a status with a reason) within a bounded simulated time, and the model neither
// crashes nor touches memory it does not own. One array lives for the whole fuzzing run; its
// columns are reset between inputs, as the device resets them between contexts.
//
// Input: a byte choosing the uCs (bit n: uC n runs), four argument words, then up to two pages
// of control code (zero-padded), placed at kCode in a 1 MiB host memory.
#include "aie_tiles/aie_array.h"
#include "aie_tiles/cert/cert_runner.h"
#include "aie_tiles/format/cert_isa.h"
#include "common/log.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace cert = aie4sim::tiles::cert;
using aie4sim::fuzz::invariant_broken;

// libsystemc calls sc_main from its own main(); libFuzzer brings the main here.
int sc_main(int /*argc*/, char* /*argv*/[]) {
    return 0;
}

namespace {

constexpr std::size_t kHostBytes = 1u << 20;
constexpr std::uint64_t kCode = 0x10000;
constexpr unsigned kPages = 2;
// Long enough for any wait the control code can start to time out (RunOptions below).
constexpr double kRunLimitMs = 50;

// Host memory of a fixed size: accesses outside it fail, as an unmapped bus address does.
struct HostMemory : sc_core::sc_module {
    tlm_utils::simple_target_socket<HostMemory> socket{"socket"};
    std::vector<std::uint8_t> bytes = std::vector<std::uint8_t>(kHostBytes, 0);

    explicit HostMemory(const sc_core::sc_module_name& name) : sc_module(name) {
        socket.register_b_transport(this, &HostMemory::transport);
    }
    bool read(std::uint64_t address, void* out, std::size_t n) const {
        if (address > bytes.size() || n > bytes.size() - address) {
            return false;
        }
        std::memcpy(out, bytes.data() + address, n);
        return true;
    }
    void transport(tlm::tlm_generic_payload& t, sc_core::sc_time& /*delay*/) {
        const std::uint64_t a = t.get_address();
        const std::uint64_t n = t.get_data_length();
        if (a > bytes.size() || n > bytes.size() - a) {
            t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (t.is_write()) {
            std::memcpy(bytes.data() + a, t.get_data_ptr(), n);
        } else {
            std::memcpy(t.get_data_ptr(), bytes.data() + a, n);
        }
        t.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

// Nothing drives the array's control socket here, but it must be bound.
struct ControlPort : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<ControlPort> socket{"socket"};
    explicit ControlPort(const sc_core::sc_module_name& name) : sc_module(name) {}
};

struct Rig {
    HostMemory host{"host"};
    aie4sim::tiles::AieArray array{"array", aie4sim::tiles::ArrayConfig{}};
    ControlPort control{"control"};
    Rig() {
        array.host.bind(host.socket);
        control.socket.bind(array.control);
    }
};

Rig* rig = nullptr;

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    aie4sim::common::log_configure("off");
    rig = new Rig(); // lives as long as the SystemC kernel that holds its processes
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
    return 0;
}

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aie4sim::fuzz::FuzzInput in(data, size);
    const unsigned columns = rig->array.geometry().columns;
    const auto which = in.take<std::uint8_t>();
    std::vector<std::uint32_t> args(4);
    for (std::uint32_t& a : args) {
        a = in.take<std::uint32_t>();
    }
    std::vector<std::uint8_t> code = in.take_bytes(std::size_t{kPages} * cert::kPageSize);
    code.resize(std::size_t{kPages} * cert::kPageSize, 0);
    std::memset(rig->host.bytes.data(), 0, rig->host.bytes.size());
    std::memcpy(rig->host.bytes.data() + kCode, code.data(), code.size());

    std::vector<cert::UcTask> tasks;
    for (unsigned uc = 0; uc < columns; ++uc) {
        if ((which & (1u << uc)) != 0 || which == 0) {
            tasks.push_back({uc, kCode + std::uint64_t{uc % kPages} * cert::kPageSize, args});
        }
    }
    rig->array.reset_columns(0, columns);
    bool done = false;
    cert::RunResult result;
    sc_core::sc_spawn([&] {
        cert::CertRunner runner(rig->array);
        cert::RunOptions options;
        options.wait_timeout = sc_core::sc_time(100, sc_core::SC_US);
        result = runner.run(
            tasks, 0, columns,
            [](std::uint64_t address, void* out, std::size_t n) {
                return rig->host.read(address, out, n);
            },
            options);
        done = true;
    });
    const sc_core::sc_time end =
        sc_core::sc_time_stamp() + sc_core::sc_time(kRunLimitMs, sc_core::SC_MS);
    while (!done && sc_core::sc_time_stamp() < end) {
        sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_US));
    }
    if (!done || (result.ok() != result.error.empty())) {
        invariant_broken(); // a run that never ends, or a failure without a reason
    }
    // Let whatever the run left in flight (DMA tails) settle before the columns are reset.
    sc_core::sc_start(sc_core::sc_time(10, sc_core::SC_US));
    return 0;
}
