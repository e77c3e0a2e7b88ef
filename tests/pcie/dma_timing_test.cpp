// The timing rule of common/tlm/transaction.h on a function's DMA path: the function adds
// the link's cost of a write to host memory, and the initiator waits it.
#include "common/tlm/transaction.h"
#include "pcie/link_timing.h"
#include "pcie_fixture.h"

#include <catch2/catch.hpp>
#include <functional>
#include <tlm_utils/simple_initiator_socket.h>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;

namespace {

// A device block issuing DMA through the function, as the command processor does.
struct DmaIssuer : sc_core::sc_module {
    tlm_utils::simple_initiator_socket<DmaIssuer> socket{"socket"};
    explicit DmaIssuer(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
    // Runs `access` in an SC_THREAD and returns the simulated time it took.
    sc_core::sc_time timed(const std::function<void()>& access) {
        sc_core::sc_time took;
        sc_core::sc_spawn([&] {
            const sc_core::sc_time start = sc_core::sc_time_stamp();
            access();
            took = sc_core::sc_time_stamp() - start;
        });
        sc_core::sc_start();
        return took;
    }
};

// A function with host memory on its outbound port and the issuer on its DMA port.
struct DmaBench {
    FreshSimulation sim;
    pcie::Function function{"fn", sample_function_config(), pcie::FunctionKind::physical, 0};
    HostMemory host{"host", 1 << 20};
    DmaIssuer device{"device"};
    DmaBench() {
        function.outbound.bind(host.socket);
        device.socket.bind(function.dma_in);
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
        write(function.config_in, reg::kCommand, 2, reg::kCommandBusMaster);
    }
};

} // namespace

TEST_CASE("a device-to-host DMA write advances simulated time by the link's posted write",
          "[pcie][dma][timing]") {
    DmaBench b;
    DmaIssuer& device = b.device;
    std::uint32_t word = 0xCAFE;
    bool ok = false;

    const auto write = device.timed(
        [&] { ok = tlm_util::Transaction(true, 0x100, &word, 4).send_and_wait(device.socket); });
    CHECK(ok);
    CHECK(write == pcie::posted_write());
    CHECK(write == sc_core::sc_time(50, sc_core::SC_NS));
    CHECK(b.host.ram[0x100] == 0xFE);

    // Reads of host memory are not charged a link cost yet (docs/architecture.md).
    const auto read = device.timed(
        [&] { ok = tlm_util::Transaction(false, 0x100, &word, 4).send_and_wait(device.socket); });
    CHECK(ok);
    CHECK(read == sc_core::SC_ZERO_TIME);

    // A refused write never reached the link: no cost.
    const auto refused = device.timed([&] {
        ok = tlm_util::Transaction(true, 0x7FFFFFF0, &word, 4).send_and_wait(device.socket);
    });
    CHECK_FALSE(ok);
    CHECK(refused == sc_core::SC_ZERO_TIME);
}

TEST_CASE("a transaction carries its extensions for the call only", "[pcie][dma]") {
    FunctionBench b;
    std::uint32_t word = 0;
    pcie::RequesterExtension inner(5);
    pcie::MsiExtension msi(1);
    {
        tlm_util::Transaction t(false, 0, &word, 4);
        t.with(inner).with(msi);
        CHECK(t.payload().get_extension<pcie::RequesterExtension>() == &inner);
        CHECK(t.payload().get_extension<pcie::MsiExtension>() == &msi);
        CHECK(t.payload().get_streaming_width() == 4);
        CHECK(t.payload().get_byte_enable_ptr() == nullptr);
        CHECK(t.payload().get_response_status() == tlm::TLM_INCOMPLETE_RESPONSE);
    } // ends without freeing the caller's extensions (that would crash here)
    CHECK(inner.function_index == 5);

    // A forwarder's tag: the one it replaced is back afterwards.
    tlm::tlm_generic_payload p;
    pcie::RequesterExtension first(1);
    p.set_extension(&first);
    {
        const tlm_util::ScopedExtension<pcie::RequesterExtension> tagged(p, inner);
        CHECK(p.get_extension<pcie::RequesterExtension>() == &inner);
    }
    CHECK(p.get_extension<pcie::RequesterExtension>() == &first);
    p.clear_extension(&first);
}
