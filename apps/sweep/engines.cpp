#include "apps/sweep/engines.h"

#include "apps/sweep/child_run.h"
#include "apps/sweep/point_record.h"

#include <boost/json.hpp>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace aie4sim::apps::sweep {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

// The first program called `name` on PATH.
std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const fs::path p = fs::path(dir.empty() ? "." : dir) / name;
        if (::access(p.c_str(), X_OK) == 0) {
            return p.string();
        }
    }
    return {};
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void report_point(std::ostream& progress, const json::object& r, std::size_t done,
                  std::size_t total) {
    progress << "sweep: [" << done << "/" << total << "] point "
             << r.at("index").to_number<std::int64_t>() << " " << r.at("status").as_string().c_str()
             << " in " << std::fixed << std::setprecision(2)
             << r.at("wall_seconds").to_number<double>() << " s";
    const auto& m = r.at("metrics").as_object();
    if (const auto* t = m.if_contains("throughput_tops")) {
        progress << ", " << std::setprecision(3) << t->to_number<double>() << " TOPS";
    }
    if (r.at("status").as_string() != "ok") {
        progress << ": " << r.at("error").as_string().c_str();
    }
    progress << std::endl;
}

} // namespace

void run_local(const Manifest& manifest, const fs::path& out, const std::string& aie4sim,
               unsigned jobs, std::ostream& progress) {
    struct Running {
        const Point* point = nullptr;
        std::vector<std::string> command;
        std::unique_ptr<ChildRun> child;
    };
    std::deque<const Point*> waiting;
    for (const Point& p : manifest.points) {
        waiting.push_back(&p);
    }
    std::vector<Running> running;
    std::size_t done = 0;
    while (!waiting.empty() || !running.empty()) {
        while (!waiting.empty() && running.size() < std::max(1u, jobs)) {
            Running r;
            r.point = waiting.front();
            waiting.pop_front();
            r.command = prepare_point(*r.point, out, aie4sim);
            r.child = std::make_unique<ChildRun>(
                r.command, (point_dir(out, r.point->index) / "log.txt").string(),
                manifest.timeout_s);
            running.push_back(std::move(r));
        }
        bool any = false;
        for (auto it = running.begin(); it != running.end();) {
            if (it->child->poll()) {
                const json::object record =
                    record_point(*it->point, out, it->command, it->child->outcome(), "local");
                report_point(progress, record, ++done, manifest.points.size());
                it = running.erase(it);
                any = true;
            } else {
                ++it;
            }
        }
        if (!any) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

void run_slurm(const Manifest& manifest, const fs::path& out, const std::string& aie4sim,
               const SlurmOptions& o, std::ostream& progress) {
    const std::string sbatch = find_program("sbatch");
    if (sbatch.empty()) {
        throw std::runtime_error("--engine slurm: sbatch is not on PATH (Debian: slurm-client; "
                                 "SLURM_CONF names the cluster's slurm.conf)");
    }
    const fs::path dir = out / "slurm";
    fs::create_directories(dir);
    const fs::path script = dir / "sweep.sbatch";
    {
        std::ofstream s(script, std::ios::trunc);
        s << "#!/bin/sh\n"
          << "# Task K of the array runs point K of the sweep and writes its record.\n"
          << "exec " << shell_quote(aie4sim) << " sweep " << shell_quote(o.manifest_path)
          << " --out " << shell_quote(fs::absolute(out).string())
          << " --point \"$SLURM_ARRAY_TASK_ID\" --no-gather --engine-name slurm\n";
        if (!s) {
            throw std::runtime_error("cannot write " + script.string());
        }
    }
    fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
    std::string array = "0-" + std::to_string(manifest.points.size() - 1);
    if (o.concurrent != 0) {
        array += "%" + std::to_string(o.concurrent);
    }
    std::vector<std::string> command = {sbatch,
                                        "--parsable",
                                        "--wait",
                                        "--array=" + array,
                                        "--job-name=aie4sim-sweep",
                                        "--output=" + (fs::absolute(dir) / "%A_%a.out").string(),
                                        "--chdir=" + fs::absolute(out).string(),
                                        "--cpus-per-task=1"};
    if (!o.partition.empty()) {
        command.push_back("--partition=" + o.partition);
    }
    command.push_back(fs::absolute(script).string());
    const double timeout =
        o.timeout_s > 0 ? o.timeout_s
                        : manifest.timeout_s * static_cast<double>(manifest.points.size()) + 120;
    progress << "sweep: submitting a Slurm job array of " << manifest.points.size() << " tasks ("
             << array << ")" << std::endl;
    const fs::path log = dir / "sbatch.log";
    fs::remove(log);
    ChildRun submit(command, log.string(), timeout);
    const ChildOutcome& r = submit.wait();
    std::string job;
    {
        std::istringstream first(read_file(log));
        std::getline(first, job);
        job = job.substr(0, job.find(';')); // "id;cluster" on federated setups
    }
    if (r.timed_out) {
        if (!job.empty() && job.find_first_not_of("0123456789") == std::string::npos) {
            ChildRun cancel({find_program("scancel"), job}, (dir / "scancel.log").string(), 30);
            cancel.wait();
        }
        throw std::runtime_error("the Slurm job array " + job + " did not end within " +
                                 std::to_string(static_cast<long>(timeout)) +
                                 " s; it was cancelled (sbatch's output: " + log.string() + ")");
    }
    if (job.empty() || job.find_first_not_of("0123456789") != std::string::npos) {
        throw std::runtime_error("sbatch did not submit the array: " + read_file(log) +
                                 (r.error.empty() ? "" : r.error));
    }
    progress << "sweep: Slurm job array " << job << " ended (sbatch exit status " << r.exit_code
             << ")" << std::endl;
    std::ofstream(dir / "job_id") << job << "\n";
}

Gathered gather(const Manifest& manifest, const fs::path& out, const std::string& missing_reason) {
    Gathered g;
    const fs::path tmp = out / "results.jsonl.tmp";
    {
        std::ofstream lines(tmp, std::ios::trunc);
        for (const Point& p : manifest.points) {
            json::value record;
            const std::string text = read_file(record_path(out, p.index));
            try {
                record = text.empty() ? json::value() : json::parse(text);
            } catch (const std::exception&) {
                record = nullptr;
            }
            if (!record.is_object()) {
                ++g.missing;
                std::string why = missing_reason;
                const std::size_t at = why.find("{index}");
                if (at != std::string::npos) {
                    why.replace(at, 7, std::to_string(p.index));
                }
                record = json::object{
                    {"index", p.index},   {"point", p.assignment}, {"seed", p.seed},
                    {"config", p.config}, {"status", "failed"},    {"exit_code", -1},
                    {"error", why},       {"results", nullptr},    {"metrics", json::object()}};
            } else if (record.as_object().at("status") == "ok") {
                ++g.ok;
            } else {
                ++g.failed;
            }
            lines << json::serialize(record) << "\n";
        }
        if (!lines) {
            throw std::runtime_error("cannot write " + tmp.string());
        }
    }
    fs::rename(tmp, out / "results.jsonl");
    return g;
}

bool draw_report(const fs::path& out, const fs::path& script, std::ostream& progress) {
    std::string python;
    if (const char* p = std::getenv("AIE4SIM_PYTHON")) {
        python = p;
    } else if (::access("/usr/bin/python3", X_OK) == 0) {
        python = "/usr/bin/python3"; // Debian's, where python3-matplotlib installs
    } else {
        python = find_program("python3");
    }
    if (python.empty() || !fs::exists(script)) {
        progress << "sweep: no report: " << (python.empty() ? "no python3" : script.string())
                 << " not found" << std::endl;
        return false;
    }
    const fs::path log = out / "report.log";
    fs::remove(log);
    ChildRun child({python, script.string(), (out / "results.jsonl").string(), "--summary",
                    (out / "sweep.json").string(), "--out", out.string()},
                   log.string(), 600);
    const ChildOutcome& r = child.wait();
    if (r.exit_code != 0) {
        progress << "sweep: the report failed ("
                 << (r.error.empty() ? "exit status " + std::to_string(r.exit_code) : r.error)
                 << "):\n"
                 << read_file(log);
        return false;
    }
    progress << read_file(log);
    return true;
}

} // namespace aie4sim::apps::sweep
