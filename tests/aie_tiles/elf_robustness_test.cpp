// The control-code ELF loader on hostile files (the fuzzer's findings): section links and
// symbol indices that name no section, NOBITS sections used as code or strings, and indices too
// large for their fields all give an ElfError naming the problem, never another exception or a
// read outside the file. The ELFs are written here by hand, so no assembler is needed.

#include "aie_tiles/workload/control_elf.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <vector>

using namespace aie4sim::tiles::workload;

namespace {

constexpr std::uint32_t kProgbits = 1;
constexpr std::uint32_t kStrtab = 3;
constexpr std::uint32_t kRela = 4;
constexpr std::uint32_t kNobits = 8;
constexpr std::uint32_t kDynsym = 11;
constexpr std::uint32_t kGroup = 17;

struct SectionSpec {
    std::string name;
    std::uint32_t type = kProgbits;
    std::vector<std::uint8_t> bytes;
    std::uint32_t link = 0;
    std::uint32_t info = 0;
    std::uint32_t nobits_offset = 0; // NOBITS: the offset its header claims
    std::uint32_t nobits_size = 0;
};

template <typename T> void put(std::vector<std::uint8_t>& out, std::size_t at, T value) {
    if (out.size() < at + sizeof value) {
        out.resize(at + sizeof value);
    }
    std::memcpy(out.data() + at, &value, sizeof value);
}

// An ELF32 little-endian file: section 0 is the null section, then `specs`, then .shstrtab
// (last; e_shstrndx points at it unless `shstrtab_nobits`).
std::vector<std::uint8_t> write_elf(const std::vector<SectionSpec>& specs,
                                    bool shstrtab_nobits = false) {
    std::vector<std::uint8_t> names(1, 0);
    std::vector<std::uint32_t> name_at;
    for (const SectionSpec& s : specs) {
        name_at.push_back(static_cast<std::uint32_t>(names.size()));
        names.insert(names.end(), s.name.begin(), s.name.end());
        names.push_back(0);
    }
    const auto shstrtab_name = static_cast<std::uint32_t>(names.size());
    const std::string shstrtab = ".shstrtab";
    names.insert(names.end(), shstrtab.begin(), shstrtab.end());
    names.push_back(0);

    std::vector<std::uint8_t> out(52, 0);
    const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1, 0x46, 0};
    std::memcpy(out.data(), ident, sizeof ident);
    std::vector<std::uint32_t> offsets;
    for (const SectionSpec& s : specs) {
        offsets.push_back(static_cast<std::uint32_t>(out.size()));
        out.insert(out.end(), s.bytes.begin(), s.bytes.end());
    }
    const auto names_offset = static_cast<std::uint32_t>(out.size());
    out.insert(out.end(), names.begin(), names.end());
    while (out.size() % 4 != 0) {
        out.push_back(0);
    }
    const auto shoff = static_cast<std::uint32_t>(out.size());
    const auto shnum = static_cast<std::uint16_t>(specs.size() + 2);
    out.resize(out.size() + std::size_t{shnum} * 40, 0);
    auto header = [&](std::size_t index, std::uint32_t name, std::uint32_t type,
                      std::uint32_t offset, std::uint32_t size, std::uint32_t link,
                      std::uint32_t info) {
        const std::size_t at = shoff + index * 40;
        put(out, at, name);
        put(out, at + 4, type);
        put(out, at + 16, offset);
        put(out, at + 20, size);
        put(out, at + 24, link);
        put(out, at + 28, info);
    };
    for (std::size_t i = 0; i < specs.size(); ++i) {
        const SectionSpec& s = specs[i];
        if (s.type == kNobits) {
            header(i + 1, name_at[i], s.type, s.nobits_offset, s.nobits_size, s.link, s.info);
        } else {
            header(i + 1, name_at[i], s.type, offsets[i],
                   static_cast<std::uint32_t>(s.bytes.size()), s.link, s.info);
        }
    }
    if (shstrtab_nobits) {
        header(shnum - 1, shstrtab_name, kNobits, 0x7FFFFFF0, 0x1000, 0, 0);
    } else {
        header(shnum - 1, shstrtab_name, kStrtab, names_offset,
               static_cast<std::uint32_t>(names.size()), 0, 0);
    }
    put(out, 32, shoff);
    put(out, 46, std::uint16_t{40});
    put(out, 48, shnum);
    put(out, 50, static_cast<std::uint16_t>(shnum - 1));
    return out;
}

SectionSpec code_page(const std::string& name = ".ctrltext.0.0") {
    return {name, kProgbits, std::vector<std::uint8_t>(64, 0)};
}

// A dynamic symbol table whose symbol 1 is called `symbol` and lives in section `shndx`, its
// strings in section `strings`.
std::vector<SectionSpec> dynamic_symbols(const std::string& symbol, std::uint16_t shndx,
                                         std::uint32_t strings) {
    std::vector<std::uint8_t> dynstr(1, 0);
    dynstr.insert(dynstr.end(), symbol.begin(), symbol.end());
    dynstr.push_back(0);
    std::vector<std::uint8_t> dynsym(32, 0);
    put(dynsym, 16, std::uint32_t{1}); // st_name
    put(dynsym, 30, shndx);            // st_shndx
    return {{".dynsym", kDynsym, dynsym, strings, 0}, {".dynstr", kStrtab, dynstr}};
}

std::vector<std::uint8_t> relocation(std::uint32_t symbol, std::uint32_t scheme) {
    std::vector<std::uint8_t> rela(12, 0);
    put(rela, 0, std::uint32_t{0});
    put(rela, 4, (symbol << 8) | scheme);
    return rela;
}

// Sections 1 code, 2 .dynsym, 3 .dynstr, 4 .rela.dyn: one relocation of argument `symbol` in
// the code page, the symbol's name looked up in section `strings`.
std::vector<std::uint8_t> relocated_elf(const std::string& symbol, std::uint32_t strings) {
    std::vector<SectionSpec> specs{code_page()};
    for (const SectionSpec& s : dynamic_symbols(symbol, 1, strings)) {
        specs.push_back(s);
    }
    specs.push_back({".rela.dyn", kRela, relocation(1, kPatchShimDmaAie4), 2});
    return write_elf(specs);
}

} // namespace

TEST_CASE("a hand-written ELF loads: the writer these tests use is sound", "[workload][elf]") {
    const auto elf = relocated_elf("1", 3);
    const ControlCode code = load_control_elf(elf.data(), elf.size());
    REQUIRE(code.ucs.size() == 1);
    CHECK(code.ucs[0].pages == 1);
    REQUIRE(code.patches.size() == 1);
    CHECK(code.patches[0].symbol == "1");
    CHECK(patched_image(code, {0x1000, 0x2000}).size() == 8192);
}

TEST_CASE("section links that name no section are an ElfError", "[workload][elf][fuzz]") {
    SECTION("a section group's symbol table") {
        std::vector<std::uint8_t> group(8, 0);
        put(group, 4, std::uint32_t{1});
        const auto elf = write_elf({code_page(), {".group", kGroup, group, 999, 0}});
        CHECK_THROWS_MATCHES(load_control_elf(elf.data(), elf.size()), ElfError,
                             Catch::Message("a section group's sh_link names section 999, but "
                                            "the ELF has 4"));
    }
    SECTION("a relocation section's symbol table") {
        const auto elf =
            write_elf({code_page(), {".rela.dyn", kRela, relocation(1, kPatchShimDmaAie4), 77}});
        CHECK_THROWS_AS(load_control_elf(elf.data(), elf.size()), ElfError);
    }
    SECTION("a symbol's string table") {
        const auto elf = relocated_elf("1", 4000);
        CHECK_THROWS_AS(load_control_elf(elf.data(), elf.size()), ElfError);
    }
}

TEST_CASE("NOBITS sections are never read as code or strings", "[workload][elf][fuzz]") {
    SECTION("control code in a NOBITS section far beyond the file") {
        SectionSpec bss{".ctrltext.0.0", kNobits, {}};
        bss.nobits_offset = 0x7FFF0000;
        bss.nobits_size = 0x100;
        const auto elf = write_elf({bss});
        CHECK_THROWS_MATCHES(load_control_elf(elf.data(), elf.size()), ElfError,
                             Catch::Message("section '.ctrltext.0.0' has no bytes in the file "
                                            "(NOBITS)"));
    }
    SECTION("the section name table") {
        const auto elf = write_elf({code_page()}, true);
        CHECK_THROWS_AS(load_control_elf(elf.data(), elf.size()), ElfError);
    }
}

TEST_CASE("indices too large for their fields are an ElfError", "[workload][elf][fuzz]") {
    SECTION("a uC index in a section name") {
        const auto elf = write_elf({code_page(".ctrltext.99999999999999999999.0")});
        CHECK_THROWS_MATCHES(load_control_elf(elf.data(), elf.size()), ElfError,
                             Catch::Message("section .ctrltext.99999999999999999999.0: index "
                                            "99999999999999999999 is out of range"));
    }
    SECTION("a page index in a section name") {
        const auto elf = write_elf({code_page(".ctrltext.0.4294967296")});
        CHECK_THROWS_AS(load_control_elf(elf.data(), elf.size()), ElfError);
    }
    SECTION("an argument index in a relocation's symbol") {
        const auto elf = relocated_elf("99999999999999999999", 3);
        const ControlCode code = load_control_elf(elf.data(), elf.size());
        CHECK_THROWS_AS(patched_image(code, {0x1000}), ElfError);
    }
}
