// `aie4sim sweep MANIFEST`: expands a manifest into indexed points and runs each as its own
// `aie4sim run` process, here (-j at a time) or as a Slurm job array; keeps one JSON record
// per point (OUT/results.jsonl, failed points included) and draws an HTML report with plots.
// docs/sweeps.md.
#include "apps/build_paths.h"
#include "apps/commands.h"
#include "apps/model_setup.h"
#include "apps/sweep/engines.h"
#include "apps/sweep/manifest.h"
#include "apps/sweep/point_record.h"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

namespace aie4sim::apps {

namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

void list_points(const sweep::Manifest& m) {
    std::cout << m.points.size() << " points of " << m.path << " (axes:";
    for (const auto& a : m.axes) {
        std::cout << " " << a;
    }
    std::cout << ")\n";
    for (const sweep::Point& p : m.points) {
        std::cout << "  " << p.index << "  " << json::serialize(p.assignment) << "  -> run --vfs "
                  << p.vfs << " --policy " << p.policy << " --gemm " << p.gemm << " --seed "
                  << p.seed << "\n";
    }
}

void write_summary(const sweep::Manifest& m, const fs::path& out, const std::string& engine,
                   double wall) {
    json::array axes;
    for (const auto& a : m.axes) {
        axes.push_back(json::string(a));
    }
    json::object s{{"name", m.name},          {"manifest", fs::absolute(m.path).string()},
                   {"axes", std::move(axes)}, {"points", m.points.size()},
                   {"engine", engine},        {"wall_seconds", wall}};
    std::ofstream(out / "sweep.json") << json::serialize(s) << "\n";
}

} // namespace

int sweep_command(const Arguments& args) {
    std::string manifest_path;
    std::string out_dir;
    std::string engine = "local";
    std::string engine_name;
    std::string partition;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    long point = -1;
    double slurm_timeout = 0;
    po::options_description options(
        "aie4sim sweep MANIFEST: run every point of a sweep manifest (docs/sweeps.md), each as\n"
        "its own `aie4sim run`, and write OUT/results.jsonl and OUT/report.html");
    options.add_options()("help", "show this help")("manifest", po::value(&manifest_path),
                                                    "the sweep manifest (JSON)")(
        "out", po::value(&out_dir), "output folder (default: sweep-NAME)")(
        "jobs,j", po::value(&jobs)->default_value(jobs),
        "points at a time (local), or at most this many array tasks at once (slurm; 0: any)")(
        "engine", po::value(&engine)->default_value(engine), "local | slurm (a job array)")(
        "point", po::value(&point), "run only point K (here), then gather and report again")(
        "dry-run", "list the points and exit")("no-gather",
                                               "with --point: only write the point's record")(
        "no-report", "do not draw the HTML report")("partition", po::value(&partition),
                                                    "slurm: the partition to submit to")(
        "slurm-timeout", po::value(&slurm_timeout),
        "slurm: seconds before the array is cancelled (default: from the points' timeout)")(
        "engine-name", po::value(&engine_name), "(internal) the engine a record names");
    po::positional_options_description positional;
    positional.add("manifest", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help") != 0U) {
        std::cout << options;
        return 0;
    }
    po::notify(vm);
    if (manifest_path.empty()) {
        throw std::invalid_argument("give the sweep manifest: aie4sim sweep MANIFEST");
    }
    if (engine != "local" && engine != "slurm") {
        throw std::invalid_argument("--engine must be local or slurm");
    }
    sweep::Manifest m;
    try {
        m = sweep::load_manifest(manifest_path);
    } catch (const sweep::ManifestError& e) {
        std::cerr << "aie4sim sweep: " << manifest_path << ": " << e.what() << "\n";
        return 2;
    }
    if (vm.count("dry-run") != 0U) {
        list_points(m);
        return 0;
    }
    const std::string name = m.name.empty() ? fs::path(manifest_path).stem().string() : m.name;
    const fs::path out = out_dir.empty() ? fs::path("sweep-" + name) : fs::path(out_dir);
    fs::create_directories(out / "points");
    const std::string self = self_executable().string();
    const fs::path report_script = build_directory() / "apps" / "sweep-report.py";

    if (point >= 0) {
        if (static_cast<std::size_t>(point) >= m.points.size()) {
            throw std::invalid_argument("--point " + std::to_string(point) + ": the sweep has " +
                                        std::to_string(m.points.size()) + " points (0.." +
                                        std::to_string(m.points.size() - 1) + ")");
        }
        const json::object r =
            sweep::run_point_here(m.points[static_cast<std::size_t>(point)], out, self, m.timeout_s,
                                  engine_name.empty() ? "local" : engine_name);
        std::cout << json::serialize(r) << "\n";
        if (vm.count("no-gather") == 0U) {
            const sweep::Gathered g = sweep::gather(m, out, "not run yet");
            std::cout << "sweep: " << g.ok << " ok, " << g.failed << " failed, " << g.missing
                      << " not run; " << (out / "results.jsonl").string() << "\n";
            if (vm.count("no-report") == 0U && g.missing == 0) {
                sweep::draw_report(out, report_script, std::cout);
            }
        }
        return 0;
    }

    const auto start = std::chrono::steady_clock::now();
    std::string missing_reason;
    if (engine == "local") {
        std::cout << "sweep: " << m.points.size() << " points, " << jobs << " at a time, into "
                  << out.string() << std::endl;
        sweep::run_local(m, out, self, jobs, std::cout);
        missing_reason = "no record was written";
    } else {
        for (const sweep::Point& p : m.points) {
            fs::remove(sweep::record_path(out, p.index)); // a stale record must not pass
        }
        sweep::SlurmOptions o;
        o.concurrent = vm["jobs"].defaulted() ? 0 : jobs;
        o.timeout_s = slurm_timeout;
        o.partition = partition;
        o.manifest_path = fs::absolute(manifest_path).string();
        try {
            sweep::run_slurm(m, out, self, o, std::cout);
        } catch (const std::runtime_error& e) {
            std::cerr << "aie4sim sweep: " << e.what() << "\n";
            sweep::gather(m, out, std::string("the Slurm array failed: ") + e.what());
            return 1;
        }
        std::string job;
        std::ifstream(out / "slurm" / "job_id") >> job;
        missing_reason = "the Slurm task wrote no record (see " +
                         (fs::absolute(out) / "slurm" / (job + "_{index}.out")).string() + ")";
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_summary(m, out, engine, wall);
    const sweep::Gathered g = sweep::gather(m, out, missing_reason);
    std::cout << "sweep: " << g.ok << " of " << m.points.size() << " points ok, " << g.failed
              << " failed, " << g.missing << " without a record, in " << wall << " s; "
              << (out / "results.jsonl").string() << std::endl;
    bool reported = true;
    if (vm.count("no-report") == 0U) {
        reported = sweep::draw_report(out, report_script, std::cout);
    }
    return g.ok == m.points.size() && reported ? 0 : 1;
}

} // namespace aie4sim::apps
