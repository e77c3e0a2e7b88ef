#include "apps/mix_report.h"

#include "models/host/mix_statistics.h"

#include <boost/json.hpp>
#include <cstdio>

namespace aie4sim::apps {

namespace json = boost::json;
namespace mh = models::host;

namespace {

double micros(const sc_core::sc_time& t) {
    return t.to_seconds() * 1e6;
}

double number(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_number() ? v->to_number<double>() : 0.0;
}

struct Samples {
    std::vector<double> latency;
    std::vector<double> queueing;
    void add(const mh::CommandRecord& c) {
        latency.push_back(micros(c.completed - c.submitted));
        queueing.push_back(micros(c.started - c.submitted));
    }
};

} // namespace

bool mix_all_ok(const mh::MixResult& result) {
    for (const mh::VfMixResult& vf : result.vfs) {
        if (!vf.error.empty() || vf.commands.empty()) {
            return false;
        }
        for (const mh::CommandRecord& c : vf.commands) {
            if (!c.ok) {
                return false;
            }
        }
    }
    return !result.vfs.empty();
}

json::object mix_report(const mh::MixResult& result, const MixRunAbout& about) {
    const double window_us = micros(result.end - result.start);
    const double window_s = window_us * 1e-6;
    json::array rows;
    Samples all;
    std::vector<double> ops_rates;
    std::vector<double> command_rates;
    double total_ops = 0;
    double utilisation_sum = 0;
    std::uint64_t failed_total = 0;
    for (const mh::VfMixResult& vf : result.vfs) {
        Samples s;
        std::vector<double> job_latency;
        double ops = 0;
        double busy_us = 0;
        std::uint64_t ok = 0;
        std::string first_error = vf.error;
        for (const mh::CommandRecord& c : vf.commands) {
            if (!c.ok) {
                if (first_error.empty()) {
                    first_error = c.op + ": " + c.error;
                }
                continue;
            }
            ++ok;
            ops += static_cast<double>(c.ops);
            busy_us += micros(c.finished - c.started);
            s.add(c);
            all.add(c);
        }
        std::uint64_t jobs_ok = 0;
        for (const mh::JobRecord& j : vf.jobs) {
            if (j.ok) {
                ++jobs_ok;
                job_latency.push_back(micros(j.completed - j.arrived));
            }
        }
        const std::uint64_t failed = vf.commands.size() - ok;
        failed_total += failed;
        const double ops_per_s = window_s > 0 ? ops / window_s : 0;
        const double commands_per_s = window_s > 0 ? static_cast<double>(ok) / window_s : 0;
        const double utilisation = window_us > 0 && about.array_columns > 0
                                       ? busy_us * vf.columns / (window_us * about.array_columns)
                                       : 0;
        ops_rates.push_back(ops_per_s);
        command_rates.push_back(commands_per_s);
        total_ops += ops;
        utilisation_sum += utilisation;
        json::object row;
        row["vf"] = vf.vf;
        row["arrival"] = vf.arrival;
        row["columns"] = vf.columns;
        row["jobs"] = jobs_ok;
        row["jobs_failed"] = vf.jobs.size() - jobs_ok;
        row["commands"] = ok;
        row["commands_failed"] = failed;
        row["verified"] = vf.error.empty() && failed == 0 && ok > 0;
        row["error"] = first_error;
        row["ops"] = ops;
        row["ops_per_s"] = ops_per_s;
        row["tops"] = ops_per_s / 1e12;
        row["commands_per_s"] = commands_per_s;
        row["latency_p50_us"] = mh::percentile(s.latency, 50);
        row["latency_p99_us"] = mh::percentile(s.latency, 99);
        row["queueing_p50_us"] = mh::percentile(s.queueing, 50);
        row["queueing_p99_us"] = mh::percentile(s.queueing, 99);
        row["job_latency_p50_us"] = mh::percentile(job_latency, 50);
        row["job_latency_p99_us"] = mh::percentile(job_latency, 99);
        row["busy_us"] = busy_us;
        row["column_utilisation"] = utilisation;
        rows.push_back(std::move(row));
    }
    json::object report;
    report["mix"] = about.mix_name;
    report["vfs"] = about.vfs;
    report["policy"] = about.policy;
    report["time_slice_us"] = about.time_slice_us;
    report["array_columns"] = about.array_columns;
    report["seed"] = about.seed;
    report["results"] = std::move(rows);
    report["window_us"] = window_us;
    report["makespan_us"] = window_us;
    report["aggregate_tops"] = window_s > 0 ? total_ops / window_s / 1e12 : 0;
    report["peak_tops"] = 4096.0 * about.array_columns * about.clock_hz / 1e12;
    report["commands"] = all.latency.size();
    report["commands_failed"] = failed_total;
    report["latency_p50_us"] = mh::percentile(all.latency, 50);
    report["latency_p99_us"] = mh::percentile(all.latency, 99);
    report["queueing_p50_us"] = mh::percentile(all.queueing, 50);
    report["queueing_p99_us"] = mh::percentile(all.queueing, 99);
    report["fairness_jain"] = mh::jain_index(ops_rates);
    report["fairness_jain_commands"] = mh::jain_index(command_rates);
    report["array_utilisation"] = utilisation_sum;
    report["context_switches"] = about.context_switches;
    report["bring_up_us"] = about.bring_up_us;
    report["wall_seconds"] = about.wall_seconds;
    return report;
}

void print_mix_report(const json::object& r) {
    std::printf("aie4sim run: mix \"%s\", %lld VFs, %s scheduling (time slice %.0f us), "
                "%lld-column array, seed %lld\n",
                json::value_to<std::string>(r.at("mix")).c_str(),
                static_cast<long long>(number(r, "vfs")),
                json::value_to<std::string>(r.at("policy")).c_str(), number(r, "time_slice_us"),
                static_cast<long long>(number(r, "array_columns")),
                static_cast<long long>(number(r, "seed")));
    std::printf("%-3s %-16s %4s %6s %6s %5s %9s %9s %9s %9s %9s %9s %6s\n", "VF", "arrival", "cols",
                "jobs", "cmds", "fail", "GOPS", "cmds/ms", "p50 us", "p99 us", "queue50", "queue99",
                "util");
    for (const json::value& v : r.at("results").as_array()) {
        const json::object& o = v.as_object();
        std::printf(
            "%-3lld %-16s %4lld %6lld %6lld %5lld %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f "
            "%5.1f%%%s%s\n",
            static_cast<long long>(number(o, "vf")),
            json::value_to<std::string>(o.at("arrival")).c_str(),
            static_cast<long long>(number(o, "columns")), static_cast<long long>(number(o, "jobs")),
            static_cast<long long>(number(o, "commands")),
            static_cast<long long>(number(o, "commands_failed")), number(o, "ops_per_s") / 1e9,
            number(o, "commands_per_s") / 1e3, number(o, "latency_p50_us"),
            number(o, "latency_p99_us"), number(o, "queueing_p50_us"), number(o, "queueing_p99_us"),
            100 * number(o, "column_utilisation"), o.at("error").as_string().empty() ? "" : "  ",
            json::value_to<std::string>(o.at("error")).c_str());
    }
    std::printf("all VFs: %lld commands (%lld failed) in %.2f us of simulated time, %.3f TOPS "
                "together; latency p50 %.2f us, p99 %.2f us; queueing p50 %.2f us, p99 %.2f us\n",
                static_cast<long long>(number(r, "commands")),
                static_cast<long long>(number(r, "commands_failed")), number(r, "window_us"),
                number(r, "aggregate_tops"), number(r, "latency_p50_us"),
                number(r, "latency_p99_us"), number(r, "queueing_p50_us"),
                number(r, "queueing_p99_us"));
    std::printf("fairness (Jain over the VFs' ops/s): %.3f, over commands/s: %.3f; array "
                "utilisation %.1f%%, %lld context switches\n",
                number(r, "fairness_jain"), number(r, "fairness_jain_commands"),
                100 * number(r, "array_utilisation"),
                static_cast<long long>(number(r, "context_switches")));
    std::printf("bring-up took %.2f us of simulated time; the whole run %.2f s of wall time\n",
                number(r, "bring_up_us"), number(r, "wall_seconds"));
}

} // namespace aie4sim::apps
