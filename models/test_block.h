#pragma once
// A bring-up register block in every function (BAR0 + 0xF000): a scratch register, the
// function's own index (so software can check which function an address reached), a loopback
// DMA engine that fills a host buffer with a known pattern or checksums one, and an MSI-X
// trigger. Driver developers use it to prove BAR decode, DMA (bus mastering, IOMMU) and
// interrupt delivery before anything else works; the guest integration tests do the same.
// Register map: docs/test-block.md.

#include "pcie/function.h"

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::models {

namespace test_block {
inline constexpr std::uint64_t kBar0Offset = 0xF000;
inline constexpr std::uint64_t kSize = 0x1000;
inline constexpr std::uint32_t kId = 0x41345442; // "A4TB"

inline constexpr std::uint64_t kRegId = 0x00;
inline constexpr std::uint64_t kRegScratch = 0x04;
inline constexpr std::uint64_t kRegFunction = 0x08;
inline constexpr std::uint64_t kRegDmaAddressLow = 0x10;
inline constexpr std::uint64_t kRegDmaAddressHigh = 0x14;
inline constexpr std::uint64_t kRegDmaLength = 0x18;
inline constexpr std::uint64_t kRegDmaPattern = 0x1C;
inline constexpr std::uint64_t kRegDmaControl = 0x20;
inline constexpr std::uint64_t kRegDmaStatus = 0x24;
inline constexpr std::uint64_t kRegDmaChecksum = 0x28;
inline constexpr std::uint64_t kRegMsiTrigger = 0x2C;
inline constexpr std::uint64_t kRegDmaCount = 0x30;
inline constexpr std::uint64_t kRegDmaTimeNs = 0x34;

inline constexpr std::uint32_t kControlFill = 1u << 0;       // write the pattern to the host
inline constexpr std::uint32_t kControlChecksum = 1u << 1;   // read the host buffer, sum it
inline constexpr std::uint32_t kControlMsiOnDone = 1u << 16; // raise vector (bits 15:8) when done
inline constexpr std::uint32_t kStatusBusy = 1u << 0;
inline constexpr std::uint32_t kStatusDone = 1u << 1;
inline constexpr std::uint32_t kStatusError = 1u << 2;
inline constexpr std::uint32_t kMaxDmaLength = 16u << 20;
} // namespace test_block

class TestBlock : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<TestBlock> target;
    tlm_utils::simple_initiator_socket<TestBlock> dma;

    // `bytes_per_ns`: the loopback engine's modelled bandwidth. Bind `dma` to the function's
    // DMA path (DmaMux).
    TestBlock(const sc_core::sc_module_name& name, pcie::Function& function,
              double bytes_per_ns = 16.0);
    SC_HAS_PROCESS(TestBlock);

    void reset();

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void engine();
    void finish();
    std::uint32_t read_register(std::uint64_t offset) const;
    void write_register(std::uint64_t offset, std::uint32_t value);

    pcie::Function& function_;
    double bytes_per_ns_;
    sc_core::sc_event start_;
    std::uint32_t scratch_ = 0;
    std::uint64_t address_ = 0;
    std::uint32_t length_ = 0;
    std::uint32_t pattern_ = 0;
    std::uint32_t control_ = 0;
    std::uint32_t status_ = 0;
    std::uint32_t checksum_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t time_ns_ = 0;
    std::vector<std::uint8_t> buffer_; // the DMA engine's data, kept between DMAs
};

} // namespace aie4sim::models
