#pragma once
// Runs AMD's real assembler, Debian's `aiebu-asm` (fetched by the build and run through its own
// loader: docs/xrt.md), to turn assembly into the control-code ELF XRT loads. The tool is
// `$AIE4SIM_AIEBU_ASM` when set, else the one this build fetched. The assembler is
// deterministic, so a process keeps the ELFs it made and assembles each input once.

#include "aie_tiles/workload/workload.h"

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::tiles::workload {

// The aiebu-asm this process uses ("" when the build has none and the variable is unset).
std::string aiebu_asm_path();

// `aiebu-asm -t aie4_config`: the full ELF (OS/ABI 0x4B) with one kernel instance, from the
// assembly and the configuration JSON (kernel_config_json). Throws BuildError with the tool's
// own message when it fails.
std::vector<std::uint8_t> assemble_config(const std::string& assembly,
                                          const std::string& config_json);
// The workload's ELF: its assembly with kernel_config_json(workload, ..., kernel).
std::vector<std::uint8_t> assemble_workload(const Workload& workload,
                                            const std::string& kernel = "DPU");
// `aiebu-asm -t aie4 -c`: the partial ELF (OS/ABI 0x46) of one assembly file.
std::vector<std::uint8_t> assemble_partial(const std::string& assembly);

} // namespace aie4sim::tiles::workload
