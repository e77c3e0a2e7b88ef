#pragma once
// The --gemm option of `run` and `demo`: parsed strictly, and checked against the workload
// builder's limits before any device runs, so that a GEMM the builder refuses ends the command
// at once with the builder's reason.

#include "aie_tiles/format/geometry.h"
#include "aie_tiles/workload/workload.h"

#include <string>

namespace aie4sim::apps {

// "MxKxN[:int8|bf16]", each dimension 1..2^32-1; throws std::invalid_argument naming --gemm.
tiles::workload::GemmSpec parse_gemm_option(const std::string& text);

// Throws std::invalid_argument with the builder's reason if it cannot map `gemm` on `geometry`.
void check_gemm_option(const std::string& text, const tiles::workload::GemmSpec& gemm,
                       const tiles::Geometry& geometry);

} // namespace aie4sim::apps
