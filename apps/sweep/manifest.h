#pragma once
// A sweep manifest (docs/sweeps.md): axes whose cartesian product, less the excluded
// combinations, plus explicit points, gives the sweep's indexed points. Each point is one
// `aie4sim run` with a generated device configuration. Axes:
//   vfs              VFs the device is partitioned into (sets sriov.total_vfs; all run)
//   policy           time_sharing | spatial
//   column_split     "even", or one [first, count] per VF (scheduler.vf_columns)
//   gemm             "MxKxN" each VF runs;   type   int8 | bf16
//   seed             input data seed
//   mix              a workload mix (docs/workload-mixes.md): a file (relative to the manifest)
//                    or an inline object; the point runs `aie4sim run --mix` instead of a GEMM
//   time_slice       microseconds a context may keep its columns (scheduler.time_slice_us)
//   a.dotted.path    any setting of the device configuration ("scheduler.context_switch_us",
//                    "aie.timing.shim_dma_bytes_per_cycle", ...), checked like a config file
// A bad manifest is refused with an error that names the field ("axes.vfs[2]: ...", "point 7:
// config: scheduler.time_slice_us: unknown setting").

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace aie4sim::apps::sweep {

class ManifestError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Point {
    std::size_t index = 0;
    boost::json::object assignment; // axis -> value, in axis order
    // What the point runs.
    boost::json::object config; // device configuration document
    unsigned vfs = 0;
    std::string policy;
    std::string gemm; // MxKxN[:bf16]
    std::uint64_t seed = 0;
    boost::json::value mix; // the workload mix document, or null: one GEMM per VF
};

struct Manifest {
    std::string path;
    std::string name;
    std::vector<std::string> axes; // in manifest order
    double timeout_s = 600;
    std::vector<Point> points;
};

// Reads and expands `path`; throws ManifestError naming the field.
Manifest load_manifest(const std::string& path);
Manifest parse_manifest(const boost::json::value& document, const std::string& path);

} // namespace aie4sim::apps::sweep
