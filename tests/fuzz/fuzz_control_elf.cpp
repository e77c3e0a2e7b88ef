// The control-code ELF loader: any file is a ControlCode whose uCs and patches lie inside its
// image, or an ElfError naming the problem. Any other exception escapes and libFuzzer reports it
// with the input. A loaded program is also patched as XRT patches it.
#include "aie_tiles/workload/control_elf.h"
#include "tests/fuzz/fuzz_input.h"

#include <vector>

using namespace aie4sim::tiles::workload;
using aie4sim::fuzz::invariant_broken;

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const ControlCode code = load_control_elf(data, size);
        for (const ControlCode::Uc& uc : code.ucs) {
            if (uc.offset + uc.size > code.image.size() || uc.size % 8192 != 0) {
                invariant_broken();
            }
        }
        for (const ControlCode::Patch& p : code.patches) {
            if (p.offset + 8 > code.image.size()) {
                invariant_broken();
            }
        }
        const std::vector<std::uint64_t> arguments{0x1000, 0x2000, 0x3000, 0x4000};
        if (patched_image(code, arguments).size() != code.image.size()) {
            invariant_broken();
        }
    } catch (const ElfError&) {
        return 0;
    }
    return 0;
}
