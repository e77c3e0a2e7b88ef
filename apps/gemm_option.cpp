#include "apps/gemm_option.h"

#include <regex>
#include <stdexcept>

namespace aie4sim::apps {

namespace wl = aie4sim::tiles::workload;

wl::GemmSpec parse_gemm_option(const std::string& text) {
    wl::GemmSpec g;
    std::string shape = text;
    const auto colon = text.find(':');
    if (colon != std::string::npos) {
        const std::string type = text.substr(colon + 1);
        shape = text.substr(0, colon);
        if (type == "bf16") {
            g.type = wl::GemmType::bf16_fp32;
        } else if (type != "int8") {
            throw std::invalid_argument("--gemm: the type is int8 or bf16, not \"" + type + "\"");
        }
    }
    // Digits only: a stream would read "-1" as 4294967295.
    std::smatch dims;
    if (!std::regex_match(shape, dims,
                          std::regex(R"(([0-9]{1,10})x([0-9]{1,10})x([0-9]{1,10}))"))) {
        throw std::invalid_argument("--gemm: expected MxKxN[:int8|bf16], e.g. 256x256x256");
    }
    std::uint32_t* fields[] = {&g.m, &g.k, &g.n};
    for (int i = 0; i < 3; ++i) {
        const unsigned long long v = std::stoull(dims[i + 1].str());
        if (v == 0 || v > 0xFFFFFFFFull) {
            throw std::invalid_argument("--gemm: " + std::string("MKN").substr(i, 1) + " = " +
                                        dims[i + 1].str() + " is outside 1..4294967295");
        }
        *fields[i] = static_cast<std::uint32_t>(v);
    }
    return g;
}

void check_gemm_option(const std::string& text, const wl::GemmSpec& gemm,
                       const tiles::Geometry& geometry) {
    try {
        (void)wl::build_gemm(gemm, {geometry.columns, geometry.core_rows, geometry.mem_rows});
    } catch (const wl::BuildError& e) {
        throw std::invalid_argument("--gemm " + text + ": " + e.what());
    }
}

} // namespace aie4sim::apps
