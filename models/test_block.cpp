#include "models/test_block.h"

#include "common/log.h"
#include "common/tlm/transaction.h"

#include <cstring>
#include <vector>

namespace aie4sim::models {

using namespace test_block;

TestBlock::TestBlock(const sc_core::sc_module_name& name, pcie::Function& function,
                     double bytes_per_ns)
    : sc_core::sc_module(name), target("target"), dma("dma"), function_(function),
      bytes_per_ns_(bytes_per_ns) {
    target.register_b_transport(this, &TestBlock::b_transport);
    function_.on_reset([this](pcie::ResetKind) { reset(); });
    SC_THREAD(engine);
}

void TestBlock::reset() {
    scratch_ = 0;
    address_ = 0;
    length_ = 0;
    pattern_ = 0;
    control_ = 0;
    status_ = 0;
    checksum_ = 0;
    count_ = 0;
    time_ns_ = 0;
}

std::uint32_t TestBlock::read_register(std::uint64_t offset) const {
    switch (offset) {
    case kRegId:
        return kId;
    case kRegScratch:
        return scratch_;
    case kRegFunction:
        return function_.index();
    case kRegDmaAddressLow:
        return static_cast<std::uint32_t>(address_);
    case kRegDmaAddressHigh:
        return static_cast<std::uint32_t>(address_ >> 32);
    case kRegDmaLength:
        return length_;
    case kRegDmaPattern:
        return pattern_;
    case kRegDmaControl:
        return control_;
    case kRegDmaStatus:
        return status_;
    case kRegDmaChecksum:
        return checksum_;
    case kRegDmaCount:
        return count_;
    case kRegDmaTimeNs:
        return time_ns_;
    default:
        return 0;
    }
}

void TestBlock::write_register(std::uint64_t offset, std::uint32_t value) {
    switch (offset) {
    case kRegScratch:
        scratch_ = value;
        AIE4SIM_LOG(info, "testblock", function_.name() << " scratch <- 0x" << std::hex << value);
        break;
    case kRegDmaAddressLow:
        address_ = (address_ & ~std::uint64_t{0xFFFFFFFF}) | value;
        break;
    case kRegDmaAddressHigh:
        address_ = (address_ & 0xFFFFFFFF) | (std::uint64_t{value} << 32);
        break;
    case kRegDmaLength:
        length_ = value;
        break;
    case kRegDmaPattern:
        pattern_ = value;
        break;
    case kRegDmaControl:
        if ((status_ & kStatusBusy) != 0) {
            AIE4SIM_LOG(warn, "testblock", function_.name() << ": DMA started while busy; ignored");
            break;
        }
        control_ = value;
        if ((value & (kControlFill | kControlChecksum)) != 0) {
            status_ = kStatusBusy;
            start_.notify(sc_core::SC_ZERO_TIME);
        }
        break;
    case kRegMsiTrigger:
        AIE4SIM_LOG(info, "testblock",
                    function_.name() << " MSI-X vector " << value << " triggered");
        function_.signal_msix(value);
        break;
    default:
        break; // read-only or unused: ignored, as hardware does
    }
}

void TestBlock::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    const std::uint64_t offset = trans.get_address();
    if (trans.get_data_length() != 4 || (offset & 3) != 0 || offset >= kSize) {
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    std::uint32_t value = 0;
    if (trans.is_write()) {
        std::memcpy(&value, trans.get_data_ptr(), 4);
        write_register(offset, value);
    } else {
        value = read_register(offset);
        std::memcpy(trans.get_data_ptr(), &value, 4);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void TestBlock::engine() {
    for (;;) {
        wait(start_);
        const bool fill = (control_ & kControlFill) != 0;
        const std::uint32_t length = length_ & ~3u;
        if (length == 0 || length > kMaxDmaLength) {
            status_ = kStatusDone | kStatusError;
            AIE4SIM_LOG(warn, "testblock",
                        function_.name() << ": DMA length " << length_ << " refused (1 to "
                                         << kMaxDmaLength << " bytes)");
            finish();
            continue;
        }
        // One buffer for every DMA: a fresh one would cost an allocation and, for large DMAs,
        // the page faults of fresh memory each time.
        std::vector<std::uint8_t>& buffer = buffer_;
        buffer.resize(length);
        if (fill) {
            for (std::uint32_t i = 0; i < length / 4; ++i) {
                const std::uint32_t word = pattern_ + i;
                std::memcpy(&buffer[std::size_t{4} * i], &word, 4);
            }
        }
        const sc_core::sc_time cost(length / bytes_per_ns_, sc_core::SC_NS);
        const sc_core::sc_time started = sc_core::sc_time_stamp();
        tlm_util::Transaction t(fill, address_, buffer.data(), length);
        t.send_and_wait(dma, cost);
        time_ns_ =
            static_cast<std::uint32_t>((sc_core::sc_time_stamp() - started).to_seconds() * 1e9);
        if (!t.ok()) {
            status_ = kStatusDone | kStatusError;
            AIE4SIM_LOG(warn, "testblock",
                        function_.name() << ": DMA of " << length << " bytes failed");
        } else {
            if (!fill) {
                std::uint32_t sum = 0;
                for (std::uint32_t i = 0; i < length / 4; ++i) {
                    std::uint32_t word = 0;
                    std::memcpy(&word, &buffer[std::size_t{4} * i], 4);
                    sum += word;
                }
                checksum_ = sum;
            }
            ++count_;
            status_ = kStatusDone;
            AIE4SIM_LOG(info, "testblock",
                        function_.name()
                            << ": DMA " << (fill ? "fill" : "checksum") << " of " << length
                            << " bytes at 0x" << std::hex << address_ << " done");
        }
        finish();
    }
}

// A driver waiting for the completion interrupt gets it for a refused DMA too.
void TestBlock::finish() {
    if ((control_ & kControlMsiOnDone) != 0) {
        function_.signal_msix((control_ >> 8) & 0xFF);
    }
}

} // namespace aie4sim::models
