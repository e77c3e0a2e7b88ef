// The CERT control-code page parser: any 8 KiB page (short inputs are zero-padded, as XRT pads
// pages) either decodes into instructions and jobs that stay inside the page, or is refused with
// a reason. The disassembler and the uC-DMA descriptor reader take any page as well.
#include "aie_tiles/format/cert_isa.h"
#include "tests/fuzz/fuzz_input.h"

#include <vector>

namespace cert = aie4sim::tiles::cert;
using aie4sim::fuzz::invariant_broken;

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aie4sim::fuzz::FuzzInput in(data, size);
    const auto expected_index = in.take<std::uint16_t>();
    std::vector<std::uint8_t> page = in.take_bytes(cert::kPageSize);
    page.resize(cert::kPageSize, 0);

    const cert::PageDecode d = cert::decode_page(page.data(), page.size(), expected_index);
    if (!d.ok) {
        if (d.error.empty()) {
            invariant_broken();
        }
    } else {
        for (const cert::Instruction& i : d.page.text) {
            if (i.offset + i.size > d.page.header.cur_page_len || i.size == 0) {
                invariant_broken(); // an instruction outside the bytes the page uses
            }
            (void)cert::format_instruction(i);
        }
        for (const cert::Job& j : d.page.jobs) {
            if (j.first > j.end || j.end >= d.page.text.size()) {
                invariant_broken();
            }
        }
    }
    (void)cert::disassemble_page(page.data(), page.size());
    // Descriptors are read wherever an instruction points: any 16 bytes of the page.
    const std::size_t at = (expected_index * 16u) % (cert::kPageSize - 16);
    (void)cert::decode_uc_dma_bd(page.data() + at);
    return 0;
}
