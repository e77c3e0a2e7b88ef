#pragma once
// Loads the control-code ELF that `aiebu-asm -t aie4_config` (or `-t aie4`) writes and does with
// it what XRT 2.25 does before a run: each uC's pages (`.ctrltext.<uc>.<page>` plus, in a
// partial ELF, `.ctrldata.<uc>.<page>`) are concatenated, every page padded to 8 KiB, the uCs'
// code laid out one after the other in one instruction buffer; then the `.rela.dyn`
// relocations are applied with the kernel arguments' addresses (patch57_aie4: the 57-bit BD
// address in w0[24:0]:w1 gets the argument's address plus the DDR offset added). Plain C++17,
// for the host model and the guest programs that bypass XRT.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace aie4sim::tiles::workload {

class ElfError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// XRT's patch scheme numbers (relocation types, ABI version 2 and later).
inline constexpr unsigned kPatchShimDmaAie4 = 6; // shim_dma_aie4_base_addr_symbol_kind
// What XRT adds to every BD address it patches (get_ddr_aie_addr_offset()).
inline constexpr std::uint64_t kDdrAieOffset = 0x80000000;

struct ControlCode {
    unsigned os_abi = 0;
    unsigned abi_version = 0;
    unsigned partition_columns = 0; // .note.xrt.configuration, 0 when absent
    std::string instance;           // the kernel instance loaded ("" for a partial ELF)
    struct Uc {
        unsigned index = 0;     // the uC (partition column) the code is for
        std::size_t offset = 0; // where its code starts in buffer()
        std::size_t size = 0;   // bytes, a whole number of pages
        unsigned pages = 0;
    };
    std::vector<Uc> ucs; // uCs with code, by index
    struct Patch {
        std::string symbol; // the argument: its index ("0", "1", ...) or name
        unsigned scheme = 0;
        std::size_t offset = 0; // in buffer(): the BD's first word
        std::uint32_t addend = 0;
    };
    std::vector<Patch> patches;
    std::vector<std::uint8_t> image; // the instruction buffer, unpatched

    [[nodiscard]] const Uc* uc(unsigned index) const;
};

// Throws ElfError naming what is wrong (not an ELF32 little-endian file, a section outside
// the file, a page index gap, a relocation outside the code, an unknown instance...).
// `instance`: the kernel instance (group) to load; empty = the first one.
ControlCode load_control_elf(const std::uint8_t* data, std::size_t size,
                             const std::string& instance = "");

// The instruction buffer with every relocation applied. `arguments[i]` is the device address
// of kernel argument i; a patch names its argument by index. Throws ElfError for a scheme other
// than patch57_aie4 or an argument index without an address.
std::vector<std::uint8_t> patched_image(const ControlCode& code,
                                        const std::vector<std::uint64_t>& arguments,
                                        std::uint64_t ddr_offset = kDdrAieOffset);

} // namespace aie4sim::tiles::workload
