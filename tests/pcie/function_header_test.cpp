// The type-0 header of a PF and of a VF (PCI Local Bus 6.1, PCIe 7.5.1, SR-IOV 3.4).
#include "pcie_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
namespace reg = aie4sim::pcie::reg;

TEST_CASE("PF identity registers read as configured and are read-only", "[pcie][header]") {
    FunctionBench b;
    CHECK(b.cfg(reg::kVendorId, 2) == 0x1234);
    CHECK(b.cfg(reg::kDeviceId, 2) == 0x5678);
    CHECK(b.cfg(reg::kRevisionId, 1) == 0x02);
    CHECK((b.cfg(0x08) >> 8) == 0x118000);
    CHECK(b.cfg(reg::kSubsystemVendorId, 2) == 0x1AF4);
    CHECK(b.cfg(reg::kSubsystemId, 2) == 0x1100);
    CHECK(b.cfg(reg::kHeaderType, 1) == 0x00);
    b.cfg_write(reg::kVendorId, 4, 0xFFFFFFFF);
    b.cfg_write(0x08, 4, 0);
    CHECK(b.cfg(reg::kVendorId) == 0x56781234);
    CHECK((b.cfg(0x08) >> 8) == 0x118000);
}

TEST_CASE("Command: memory, bus master, parity, SERR and INTx disable are RW; I/O is RO 0",
          "[pcie][header]") {
    FunctionBench b;
    CHECK(b.cfg(reg::kCommand, 2) == 0);
    b.cfg_write(reg::kCommand, 2, 0xFFFF);
    CHECK(b.cfg(reg::kCommand, 2) ==
          (reg::kCommandMemorySpace | reg::kCommandBusMaster | reg::kCommandParityErrorResponse |
           reg::kCommandSerrEnable | reg::kCommandInterruptDisable));
    CHECK(b.function.memory_enabled());
    CHECK(b.function.bus_master_enabled());
}

TEST_CASE("Status: capabilities list set, error bits are write-1-to-clear", "[pcie][header]") {
    FunctionBench b;
    CHECK((b.cfg(reg::kStatus, 2) & reg::kStatusCapabilitiesList) != 0);
    // A DMA the host refuses sets Received Master Abort.
    b.cfg_write(reg::kCommand, 2, reg::kCommandBusMaster);
    CHECK_FALSE(write(b.function.dma_in, 0x7FFFFFFF0ull, 4, 1).ok());
    CHECK((b.cfg(reg::kStatus, 2) & reg::kStatusReceivedMasterAbort) != 0);
    b.cfg_write(reg::kStatus, 2, 0); // writing 0 changes nothing
    CHECK((b.cfg(reg::kStatus, 2) & reg::kStatusReceivedMasterAbort) != 0);
    b.cfg_write(reg::kStatus, 2, reg::kStatusReceivedMasterAbort | reg::kStatusCapabilitiesList);
    CHECK((b.cfg(reg::kStatus, 2) & reg::kStatusReceivedMasterAbort) == 0);
    CHECK((b.cfg(reg::kStatus, 2) & reg::kStatusCapabilitiesList) != 0); // RO, not cleared
}

TEST_CASE("Interrupt Line is RW, Interrupt Pin is 0 (no INTx), expansion ROM absent",
          "[pcie][header]") {
    FunctionBench b;
    b.cfg_write(reg::kInterruptLine, 1, 0x2B);
    CHECK(b.cfg(reg::kInterruptLine, 1) == 0x2B);
    CHECK(b.cfg(reg::kInterruptPin, 1) == 0);
    b.cfg_write(reg::kExpansionRom, 4, 0xFFFFFFFF);
    CHECK(b.cfg(reg::kExpansionRom) == 0);
}

TEST_CASE("VF header: IDs all-ones, no BARs, only Bus Master Enable in Command",
          "[pcie][header][vf]") {
    FunctionBench b(sample_function_config(), pcie::FunctionKind::virtual_function);
    CHECK(b.cfg(reg::kVendorId) == 0xFFFFFFFF);
    for (unsigned i = 0; i < 6; ++i) {
        b.cfg_write(reg::kBar0 + 4 * i, 4, 0xFFFFFFFF);
        CHECK(b.cfg(reg::kBar0 + 4 * i) == 0);
    }
    b.cfg_write(reg::kCommand, 2, 0xFFFF);
    CHECK(b.cfg(reg::kCommand, 2) == reg::kCommandBusMaster);
    CHECK((b.cfg(0x08) >> 8) == 0x118000);
    CHECK(b.cfg(reg::kInterruptLine, 1) == 0);
}

TEST_CASE("malformed configuration requests complete with an error", "[pcie][header]") {
    FunctionBench b;
    CHECK_FALSE(b.cfg_read(0x02, 4).ok());   // crosses a DWORD
    CHECK_FALSE(b.cfg_read(0x1000, 4).ok()); // beyond 4 KiB
    CHECK_FALSE(b.cfg_write(0x04, 3, 0x7).ok());
    CHECK(b.cfg(reg::kCommand, 2) == 0);
    CHECK(b.function.counters().unsupported_requests == 3);
}
