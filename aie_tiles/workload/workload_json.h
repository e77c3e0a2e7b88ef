#pragma once
// The files `aie4sim-workload` writes for a built workload, and the layout file that tells a
// program (our guest programs, an XRT program) what each kernel argument is: name, role,
// element type, shape and leading dimension, size, and where its input data or expected output
// is (docs/aie_tiles.md §9 "Workload files"). Separate from aie4sim_workload because it needs
// Boost.JSON and runs the assembler, which the guest programs do not.

#include "aie_tiles/workload/workload.h"
#include "aie_tiles/workload/workload_data.h"

#include <optional>
#include <string>

namespace aie4sim::tiles::workload {

inline constexpr const char* kLayoutFormat = "aie4sim-workload-layout/1";

struct WorkloadFiles {
    std::string prefix;                // written: <prefix>.asm, .config.json, .json, [.elf], [data]
    bool elf = true;                   // run aiebu-asm for <prefix>.elf
    std::optional<std::uint32_t> seed; // write input and expected data with this seed
    PartitionShape partition;          // recorded in the layout file
};

// The layout file's text (see the doc); `data` adds the data file names and the generator.
std::string layout_json(const Workload& workload, const WorkloadFiles& files,
                        const WorkloadData* data);

// Writes the files; throws std::runtime_error (BuildError when the assembler fails).
void write_workload_files(const Workload& workload, const WorkloadFiles& files);

} // namespace aie4sim::tiles::workload
