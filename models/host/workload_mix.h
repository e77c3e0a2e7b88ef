#pragma once
// A workload mix (docs/workload-mixes.md): what each VF submits and when, for `aie4sim run
// --mix`. A mix names, per VF, an arrival pattern and weighted jobs; a job is one command (a
// GEMM, an element-wise op, a softmax) or a chain of commands (element-wise steps fed one into
// the next; a transformer-style block). A duration and/or a job count bounds the run.
// Read from JSON with errors that name the field ("mix: vfs.2.arrival.per_ms: ...").

#include "aie_tiles/workload/workload.h"

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aie4sim::models::host {

class MixError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ArrivalPattern {
    closed_loop, // `outstanding` jobs in flight: a new one starts when one ends
    fixed_rate,  // one job every 1/per_ms simulated ms, whatever is still in flight
    burst,       // `burst` jobs at once, every `every_us`
};
const char* arrival_pattern_name(ArrivalPattern pattern);

struct Arrival {
    ArrivalPattern pattern = ArrivalPattern::closed_loop;
    unsigned outstanding = 1; // closed_loop
    double per_ms = 0;        // fixed_rate: jobs per simulated millisecond
    unsigned burst = 1;       // burst: jobs per burst
    double every_us = 0;      // burst: period
    [[nodiscard]] std::string describe() const;
};

// When open-loop job `k` (0-based) arrives, in simulated microseconds after the start
// (fixed_rate: k / per_ms ms; burst: floor(k / burst) * every_us). Not for closed_loop.
double arrival_offset_us(const Arrival& arrival, std::uint64_t k);

// How many open-loop jobs arrive in [0, duration_us) when at most `max_jobs` may (0: no cap;
// duration_us 0: no time bound, then max_jobs must be set).
std::uint64_t arrivals_within(const Arrival& arrival, double duration_us, std::uint64_t max_jobs);

// The transformer-style block: attention (S = Q K^T, softmax(S / sqrt(d_model)), P V), then an
// MLP (H W1, relu, R W2), all bf16 with fp32 results on the array.
struct TransformerSpec {
    std::uint32_t seq = 64;
    std::uint32_t d_model = 64;
    std::uint32_t d_ff = 128;
};

enum class JobKind { single, eltwise_chain, transformer };

struct JobSpec {
    std::string name; // as the report prints it: "gemm 256x256x256 int8", "transformer 64/64/128"
    JobKind kind = JobKind::single;
    // single: one step; eltwise_chain: the steps, each one's result the next one's x.
    std::vector<tiles::workload::WorkloadSpec> steps;
    TransformerSpec transformer;
    unsigned weight = 1;
};

struct VfMix {
    Arrival arrival;
    std::vector<JobSpec> jobs;
};

struct WorkloadMix {
    std::string name;
    double duration_us = 0; // no job arrives or starts after this (0: no time bound)
    std::uint64_t jobs = 0; // jobs per VF (0: no count bound)
    VfMix all;              // "default": VFs not named under "vfs"
    std::map<unsigned, VfMix> per_vf;
    [[nodiscard]] const VfMix& for_vf(unsigned vf) const;
};

// `text` is inline JSON (starts with '{') or the path of a JSON file.
WorkloadMix load_mix(const std::string& text);
WorkloadMix parse_mix(const boost::json::value& document);

// The steps of a transformer block, in order (for building and for the docs): QK^T GEMM,
// softmax, AV GEMM, W1 GEMM, relu, W2 GEMM.
std::vector<tiles::workload::WorkloadSpec> transformer_steps(const TransformerSpec& spec);

} // namespace aie4sim::models::host
