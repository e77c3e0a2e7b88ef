#include "apps/sweep/point_record.h"

#include "common/version.h"
#include "models/host/mix_statistics.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace aie4sim::apps::sweep {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

void write_json(const fs::path& path, const json::value& v) {
    const fs::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << json::serialize(v) << "\n";
        if (!out) {
            throw std::runtime_error("cannot write " + tmp.string());
        }
    }
    fs::rename(tmp, path); // readers never see half a record
}

std::string tail_lines(const fs::path& file, std::size_t n) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    std::ostringstream s;
    for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
        s << lines[i] << (i + 1 < lines.size() ? "\n" : "");
    }
    return s.str();
}

double number(const json::value& v) {
    return v.is_number() ? v.to_number<double>() : 0.0;
}

} // namespace

fs::path point_dir(const fs::path& out, std::size_t index) {
    return out / "points" / std::to_string(index);
}

fs::path record_path(const fs::path& out, std::size_t index) {
    return out / "points" / (std::to_string(index) + ".json");
}

std::vector<std::string> prepare_point(const Point& point, const fs::path& out,
                                       const std::string& aie4sim) {
    const fs::path dir = point_dir(out, point.index);
    fs::create_directories(dir);
    write_json(dir / "config.json", point.config);
    fs::remove(dir / "run.json");
    fs::remove(dir / "log.txt");
    std::vector<std::string> command = {aie4sim,    "run",
                                        "--config", (dir / "config.json").string(),
                                        "--vfs",    std::to_string(point.vfs),
                                        "--policy", point.policy,
                                        "--seed",   std::to_string(point.seed),
                                        "--json",   (dir / "run.json").string(),
                                        "--log",    "warn"};
    if (point.mix.is_null()) {
        command.insert(command.end(), {"--gemm", point.gemm});
    } else {
        write_json(dir / "mix.json", point.mix);
        command.insert(command.end(), {"--mix", (dir / "mix.json").string()});
    }
    return command;
}

json::object point_metrics(const json::object& results) {
    json::object m;
    const json::value* rows = results.if_contains("results");
    if (rows == nullptr || !rows->is_array() || rows->as_array().empty()) {
        return m;
    }
    std::vector<double> latencies;
    std::vector<double> throughput;
    for (const auto& r : rows->as_array()) {
        if (!r.is_object()) {
            continue;
        }
        const json::object& vf = r.as_object();
        // Per-VF latency samples: a list when a VF ran several commands, else its one command.
        if (const json::value* l = vf.if_contains("latencies_us"); l != nullptr && l->is_array()) {
            for (const auto& x : l->as_array()) {
                latencies.push_back(number(x));
            }
        } else if (const json::value* e = vf.if_contains("end_to_end_us")) {
            latencies.push_back(number(*e));
        }
        // What the VF got: its work over its end-to-end time (waiting for the array counts),
        // else its throughput while on the array.
        const json::value* t = vf.if_contains("tops");
        const json::value* a = vf.if_contains("array_us");
        const json::value* e = vf.if_contains("end_to_end_us");
        if (t != nullptr && a != nullptr && e != nullptr && number(*e) > 0) {
            throughput.push_back(number(*t) * number(*a) / number(*e));
        } else if (t != nullptr) {
            throughput.push_back(number(*t));
        }
    }
    if (const json::value* a = results.if_contains("aggregate_tops")) {
        m["throughput_tops"] = number(*a);
    }
    if (const json::value* s = results.if_contains("makespan_us")) {
        m["makespan_us"] = number(*s);
    }
    // A workload mix's report has the percentiles over all its commands and its fairness.
    for (const char* key : {"latency_p50_us", "latency_p99_us", "fairness_jain", "queueing_p99_us",
                            "array_utilisation"}) {
        if (const json::value* v = results.if_contains(key); v != nullptr && v->is_number()) {
            m[key] = number(*v);
        }
    }
    if (m.contains("latency_p99_us")) {
        if (const json::value* n = results.if_contains("commands")) {
            m["latency_samples"] = number(*n);
        }
        return m;
    }
    if (!latencies.empty()) {
        m["latency_p50_us"] = models::host::percentile(latencies, 50);
        m["latency_p99_us"] = models::host::percentile(latencies, 99);
        m["latency_samples"] = latencies.size();
    }
    if (!throughput.empty()) {
        // Jain's index: 1 when every VF gets the same throughput, 1/n when one gets it all.
        m["fairness_jain"] = models::host::jain_index(throughput);
    }
    return m;
}

json::object record_point(const Point& point, const fs::path& out,
                          const std::vector<std::string>& command, const ChildOutcome& outcome,
                          const std::string& engine) {
    const fs::path dir = point_dir(out, point.index);
    json::object r;
    r["index"] = point.index;
    r["point"] = point.assignment;
    r["seed"] = point.seed;
    r["version"] = common::kVersion;
    r["git"] = common::kGitDescription;
    r["engine"] = engine;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    r["host"] = host;
    json::array cmd;
    for (const auto& c : command) {
        cmd.push_back(json::string(c));
    }
    r["command"] = std::move(cmd);
    r["config"] = point.config;
    r["exit_code"] = outcome.exit_code;
    r["wall_seconds"] = outcome.wall_seconds;
    r["peak_rss_kib"] = outcome.peak_rss_kib;
    std::string error = outcome.error;
    json::value results = nullptr;
    if (std::ifstream in{dir / "run.json"}) {
        try {
            std::stringstream text;
            text << in.rdbuf();
            results = json::parse(text.str());
        } catch (const std::exception& e) {
            error +=
                (error.empty() ? "" : "; ") + std::string("unreadable run report: ") + e.what();
        }
    } else if (error.empty()) {
        error = "the run wrote no report";
    }
    const bool ok = outcome.exit_code == 0 && error.empty() && results.is_object();
    if (!ok && error.empty()) {
        error = "exit status " + std::to_string(outcome.exit_code);
    }
    if (!ok) {
        const std::string log = tail_lines(dir / "log.txt", 5);
        if (!log.empty()) {
            error += ": " + log;
        }
    }
    r["status"] = ok ? "ok" : "failed";
    r["error"] = error;
    r["metrics"] = results.is_object() ? point_metrics(results.as_object()) : json::object();
    r["results"] = std::move(results);
    write_json(record_path(out, point.index), r);
    return r;
}

json::object run_point_here(const Point& point, const fs::path& out, const std::string& aie4sim,
                            double timeout_s, const std::string& engine) {
    const std::vector<std::string> command = prepare_point(point, out, aie4sim);
    ChildRun child(command, (point_dir(out, point.index) / "log.txt").string(), timeout_s);
    return record_point(point, out, command, child.wait(), engine);
}

} // namespace aie4sim::apps::sweep
