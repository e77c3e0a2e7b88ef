#pragma once
// The layout file `aie4sim-workload` writes next to a workload's ELF (format
// "aie4sim-workload-layout/1", docs/aie_tiles.md "Workload files"): which kernel the ELF holds,
// and what each of its arguments is. Read with Boost.JSON (header-only here), so the XRT
// programs depend on XRT's headers, the standard library and Boost only.

#include <cstdint>
#include <string>
#include <vector>

namespace xrt_programs {

struct Argument {
    unsigned index = 0;
    std::string name;
    std::string role; // "input", "output" or "scratch"
    std::string type; // "int8", "bf16", "int32", "fp32"
    unsigned element_bytes = 0;
    std::uint32_t rows = 0;
    std::uint32_t cols = 0;
    std::uint32_t ld = 0; // leading dimension, in elements
    std::uint32_t alloc_rows = 0;
    std::uint64_t bytes = 0;
};

struct WorkloadLayout {
    std::string kind; // "gemm", "eltwise", "softmax", "copy"
    std::string op;   // human readable, e.g. "gemm 256x256x256 int8"
    std::string kernel;
    std::string elf; // absolute: resolved against the layout file's folder
    std::uint32_t m = 0, k = 0, n = 0;
    std::string type;
    std::uint64_t useful_ops = 0;
    unsigned columns_used = 0;
    std::vector<Argument> arguments;

    // The argument called `name`; throws std::runtime_error naming the file when there is none.
    const Argument& argument(const std::string& name) const;
    std::string file;
};

// Throws std::runtime_error with the file name and the offending field.
WorkloadLayout read_workload_layout(const std::string& path);

} // namespace xrt_programs
