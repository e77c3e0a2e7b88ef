#include "aie_tiles/workload/control_elf.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace aie4sim::tiles::workload {

namespace {

constexpr std::size_t kPage = 8192;
constexpr std::size_t kPageHeader = 16;
constexpr std::uint32_t kShtGroup = 17;
constexpr std::uint32_t kShtNobits = 8;
// Digits of a uC or page index in a section name: more than any partition or control code has,
// and few enough that the value fits an unsigned.
constexpr std::size_t kMaxIndexDigits = 6;

template <typename T> T get(const std::uint8_t* data, std::size_t size, std::size_t at) {
    if (at + sizeof(T) > size) {
        throw ElfError("truncated ELF: reading " + std::to_string(sizeof(T)) + " bytes at " +
                       std::to_string(at) + " of " + std::to_string(size));
    }
    T v{};
    std::memcpy(&v, data + at, sizeof v);
    return v;
}

struct Section {
    std::string name;
    std::uint32_t type = 0;
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint32_t link = 0;
    std::uint32_t info = 0;
    // NOBITS (SHT_NOBITS) sections occupy no bytes of the file: their offset and size say
    // nothing about what can be read there.
    [[nodiscard]] bool in_file() const { return type != kShtNobits; }
};

class Elf {
public:
    Elf(const std::uint8_t* data, std::size_t size) : d_(data), n_(size) {
        if (size < 52 || std::memcmp(data,
                                     "\x7f"
                                     "ELF",
                                     4) != 0) {
            throw ElfError("not an ELF file");
        }
        if (data[4] != 1 || data[5] != 1) {
            throw ElfError("not a 32-bit little-endian ELF (control code ELFs are ELF32 LE)");
        }
        os_abi = data[7];
        abi_version = data[8];
        const auto shoff = get<std::uint32_t>(d_, n_, 32);
        const auto shentsize = get<std::uint16_t>(d_, n_, 46);
        const auto shnum = get<std::uint16_t>(d_, n_, 48);
        const auto shstrndx = get<std::uint16_t>(d_, n_, 50);
        if (shentsize != 40 || shstrndx >= shnum) {
            throw ElfError("bad section header table (entry size " + std::to_string(shentsize) +
                           ", string table " + std::to_string(shstrndx) + " of " +
                           std::to_string(shnum) + ")");
        }
        for (unsigned i = 0; i < shnum; ++i) {
            const std::size_t at = shoff + std::size_t{i} * 40;
            Section s;
            s.type = get<std::uint32_t>(d_, n_, at + 4);
            s.offset = get<std::uint32_t>(d_, n_, at + 16);
            s.size = get<std::uint32_t>(d_, n_, at + 20);
            s.link = get<std::uint32_t>(d_, n_, at + 24);
            s.info = get<std::uint32_t>(d_, n_, at + 28);
            name_offsets_.push_back(get<std::uint32_t>(d_, n_, at));
            if (s.in_file() && std::size_t{s.offset} + s.size > n_) {
                throw ElfError("section " + std::to_string(i) + " lies outside the file");
            }
            sections.push_back(s);
        }
        for (unsigned i = 0; i < shnum; ++i) {
            sections[i].name = string_at(shstrndx, name_offsets_[i]);
        }
    }

    // The section a header field (sh_link, st_shndx...) names; ElfError if there is none.
    [[nodiscard]] const Section& section(std::size_t index, const char* what) const {
        if (index >= sections.size()) {
            throw ElfError(std::string(what) + " names section " + std::to_string(index) +
                           ", but the ELF has " + std::to_string(sections.size()));
        }
        return sections[index];
    }
    // The bytes of a section that must be in the file (code, strings, symbols).
    [[nodiscard]] const std::uint8_t* contents(const Section& s) const {
        if (!s.in_file()) {
            throw ElfError("section '" + s.name + "' has no bytes in the file (NOBITS)");
        }
        return d_ + s.offset;
    }

    [[nodiscard]] std::string string_at(unsigned index, std::uint32_t offset) const {
        const Section& s = section(index, "a string reference");
        if (offset >= s.size) {
            throw ElfError("string offset " + std::to_string(offset) + " outside section " +
                           std::to_string(index));
        }
        const char* begin = reinterpret_cast<const char*>(contents(s) + offset);
        const std::size_t max = s.size - offset;
        return std::string(begin, strnlen(begin, max));
    }
    [[nodiscard]] int find(const std::string& name) const {
        for (std::size_t i = 0; i < sections.size(); ++i) {
            if (sections[i].name == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    std::vector<Section> sections;
    unsigned os_abi = 0;
    unsigned abi_version = 0;

private:
    const std::uint8_t* d_;
    std::size_t n_;
    std::vector<std::uint32_t> name_offsets_;
};

// ".ctrltext.<uc>.<page>" -> {uc, page}, defaults 0 as XRT reads them.
bool code_section(const std::string& name, bool& text, unsigned& uc, unsigned& page) {
    for (const char* prefix : {".ctrltext", ".ctrldata"}) {
        const std::size_t n = std::strlen(prefix);
        if (name.compare(0, n, prefix) != 0 || (name.size() > n && name[n] != '.')) {
            continue;
        }
        text = prefix[5] == 't';
        uc = 0;
        page = 0;
        std::size_t at = n;
        unsigned* fields[] = {&uc, &page};
        for (unsigned* f : fields) {
            if (at >= name.size()) {
                break;
            }
            const std::size_t end = name.find('.', at + 1);
            const std::string digits =
                name.substr(at + 1, end == std::string::npos ? end : end - at - 1);
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
                throw ElfError("section " + name + ": not .ctrltext.<uC>.<page>");
            }
            if (digits.size() > kMaxIndexDigits) {
                std::string why = "section " + name;
                why += ": index ";
                why += digits;
                why += " is out of range";
                throw ElfError(why);
            }
            *f = static_cast<unsigned>(std::stoul(digits));
            at = end == std::string::npos ? name.size() : end;
        }
        return true;
    }
    return false;
}

struct PageSections {
    int text = -1;
    int data = -1;
};

} // namespace

const ControlCode::Uc* ControlCode::uc(unsigned index) const {
    for (const Uc& u : ucs) {
        if (u.index == index) {
            return &u;
        }
    }
    return nullptr;
}

ControlCode load_control_elf(const std::uint8_t* data, std::size_t size,
                             const std::string& instance) {
    const Elf elf(data, size);
    ControlCode code;
    code.os_abi = elf.os_abi;
    code.abi_version = elf.abi_version;

    // Kernel instances are COMDAT groups named by a .symtab symbol; without groups (a partial
    // ELF) every code section belongs to the one program.
    std::set<unsigned> members;
    bool grouped = false;
    std::vector<std::string> names;
    for (const Section& g : elf.sections) {
        if (g.type != kShtGroup) {
            continue;
        }
        grouped = true;
        const Section& symtab = elf.section(g.link, "a section group's sh_link");
        const std::size_t sym_at = std::size_t{symtab.offset} + std::size_t{g.info} * 16;
        const auto name_offset = get<std::uint32_t>(data, size, sym_at);
        const std::string name = elf.string_at(symtab.link, name_offset);
        names.push_back(name);
        if (!code.instance.empty() || (!instance.empty() && name != instance)) {
            continue;
        }
        code.instance = name;
        for (std::uint32_t at = 4; at + 4 <= g.size; at += 4) {
            members.insert(get<std::uint32_t>(data, size, g.offset + at));
        }
    }
    if (grouped && code.instance.empty()) {
        std::string known;
        for (const std::string& n : names) {
            known += (known.empty() ? "" : ", ") + n;
        }
        throw ElfError("no kernel instance '" + instance + "' (the ELF has " + known + ")");
    }

    std::map<unsigned, std::map<unsigned, PageSections>> pages; // uc -> page -> sections
    std::map<int, std::pair<unsigned, unsigned>> section_page;  // section -> {uc, page}
    for (std::size_t i = 0; i < elf.sections.size(); ++i) {
        bool text = false;
        unsigned uc = 0;
        unsigned page = 0;
        if (!code_section(elf.sections[i].name, text, uc, page) ||
            (grouped && members.count(static_cast<unsigned>(i)) == 0)) {
            continue;
        }
        PageSections& p = pages[uc][page];
        (text ? p.text : p.data) = static_cast<int>(i);
        section_page[static_cast<int>(i)] = {uc, page};
    }
    if (pages.empty()) {
        throw ElfError("no .ctrltext section: not a control-code ELF");
    }
    for (const auto& [uc, list] : pages) {
        ControlCode::Uc u;
        u.index = uc;
        u.offset = code.image.size();
        // In a merged (aie4_config) ELF one section holds all of a uC's pages; in a partial
        // ELF each page has its own text and data sections.
        unsigned expected = 0;
        for (const auto& [page, secs] : list) {
            if (page != expected) {
                throw ElfError("uC " + std::to_string(uc) + " has no page " +
                               std::to_string(expected) + " before page " + std::to_string(page));
            }
            if (secs.text < 0) {
                throw ElfError("uC " + std::to_string(uc) + " page " + std::to_string(page) +
                               " has data but no .ctrltext");
            }
            const std::size_t start = code.image.size();
            for (const int s : {secs.text, secs.data}) {
                if (s >= 0) {
                    const Section& sec = elf.sections[static_cast<std::size_t>(s)];
                    const std::uint8_t* bytes = elf.contents(sec);
                    code.image.insert(code.image.end(), bytes, bytes + sec.size);
                }
            }
            const std::size_t used =
                std::max<std::size_t>(1, (code.image.size() - start + kPage - 1) / kPage);
            code.image.resize(start + used * kPage, 0);
            u.pages += static_cast<unsigned>(used);
            expected = page + static_cast<unsigned>(used);
        }
        u.size = code.image.size() - u.offset;
        code.ucs.push_back(u);
    }

    for (const Section& rela : elf.sections) {
        if (rela.name.compare(0, 9, ".rela.dyn") != 0) {
            continue;
        }
        const Section& dynsym = elf.section(rela.link, "a relocation section's sh_link");
        for (std::uint32_t at = 0; at + 12 <= rela.size; at += 12) {
            const auto r_offset = get<std::uint32_t>(data, size, rela.offset + at);
            const auto r_info = get<std::uint32_t>(data, size, rela.offset + at + 4);
            const auto r_addend = get<std::int32_t>(data, size, rela.offset + at + 8);
            const std::size_t sym_at = std::size_t{dynsym.offset} + std::size_t{r_info >> 8} * 16;
            if (sym_at + 16 > std::size_t{dynsym.offset} + dynsym.size) {
                throw ElfError("relocation names symbol " + std::to_string(r_info >> 8) +
                               ", outside .dynsym");
            }
            const auto st_name = get<std::uint32_t>(data, size, sym_at);
            const auto st_shndx = get<std::uint16_t>(data, size, sym_at + 14);
            const auto where = section_page.find(st_shndx);
            if (where == section_page.end()) {
                continue; // another instance's code, or a section XRT patches elsewhere
            }
            const auto [uc, page] = where->second;
            const ControlCode::Uc* u = code.uc(uc);
            ControlCode::Patch p;
            p.symbol = elf.string_at(dynsym.link, st_name);
            p.scheme = r_info & 0xFF;
            p.addend = static_cast<std::uint32_t>(r_addend);
            p.offset = u->offset + std::size_t{page} * kPage + kPageHeader + r_offset;
            if (p.offset + 8 > u->offset + u->size) {
                throw ElfError("relocation of '" + p.symbol + "' at " + std::to_string(r_offset) +
                               " lies outside uC " + std::to_string(uc) + " page " +
                               std::to_string(page));
            }
            code.patches.push_back(p);
        }
    }

    const int note = elf.find(".note.xrt.configuration");
    if (note >= 0) {
        const Section& n = elf.sections[static_cast<std::size_t>(note)];
        const auto namesz = get<std::uint32_t>(data, size, n.offset);
        const auto descsz = get<std::uint32_t>(data, size, n.offset + 4);
        const std::size_t desc = n.offset + 12 + ((namesz + 3) & ~3u);
        if (descsz >= 4 && desc + 4 <= std::size_t{n.offset} + n.size) {
            code.partition_columns = get<std::uint32_t>(data, size, desc);
        }
    }
    return code;
}

std::vector<std::uint8_t> patched_image(const ControlCode& code,
                                        const std::vector<std::uint64_t>& arguments,
                                        std::uint64_t ddr_offset) {
    std::vector<std::uint8_t> image = code.image;
    for (const ControlCode::Patch& p : code.patches) {
        if (p.scheme != kPatchShimDmaAie4) {
            throw ElfError("relocation of '" + p.symbol + "' uses patch scheme " +
                           std::to_string(p.scheme) + "; only shim_dma_aie4 (6) is supported");
        }
        // At most 9 digits: std::stoul must not overflow (it would throw out_of_range).
        if (p.symbol.empty() || p.symbol.size() > 9 ||
            p.symbol.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(p.symbol) >= arguments.size()) {
            throw ElfError("relocation names argument '" + p.symbol + "', but " +
                           std::to_string(arguments.size()) + " argument address(es) are given");
        }
        const std::uint64_t value = arguments[std::stoul(p.symbol)] + p.addend + ddr_offset;
        std::uint32_t w0 = 0;
        std::uint32_t w1 = 0;
        std::memcpy(&w0, image.data() + p.offset, 4);
        std::memcpy(&w1, image.data() + p.offset + 4, 4);
        const std::uint64_t address = ((std::uint64_t{w0} & 0x1FFFFFF) << 32 | w1) + value;
        w0 = (w0 & 0xFE000000u) | static_cast<std::uint32_t>((address >> 32) & 0x1FFFFFF);
        w1 = static_cast<std::uint32_t>(address);
        std::memcpy(image.data() + p.offset, &w0, 4);
        std::memcpy(image.data() + p.offset + 4, &w1, 4);
    }
    return image;
}

} // namespace aie4sim::tiles::workload
