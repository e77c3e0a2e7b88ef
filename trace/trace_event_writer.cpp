#include "trace/trace_event_writer.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <cstdio>
#include <stdexcept>

namespace aie4sim::trace {

namespace {

void quoted(std::ostream& out, std::string_view text) {
    out << boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

} // namespace

TraceEventWriter::TraceEventWriter(std::ostream& out, boost::json::object other_data) : out_(out) {
    other_data["time_axis"] = "simulated time";
    out_ << "{\"displayTimeUnit\":\"ns\",\"otherData\":" << boost::json::serialize(other_data)
         << ",\"traceEvents\":[";
}

TraceEventWriter::TraceEventWriter(std::unique_ptr<std::ofstream> file,
                                   boost::json::object other_data)
    : TraceEventWriter(*file, std::move(other_data)) {
    owned_ = std::move(file);
}

std::unique_ptr<TraceEventWriter> TraceEventWriter::open_file(const std::string& path,
                                                              boost::json::object other_data) {
    auto file = std::make_unique<std::ofstream>(path, std::ios::trunc);
    if (!*file) {
        throw std::runtime_error("cannot write the trace file " + path);
    }
    return std::unique_ptr<TraceEventWriter>(
        new TraceEventWriter(std::move(file), std::move(other_data)));
}

TraceEventWriter::~TraceEventWriter() {
    finish(latest_ps_);
}

void TraceEventWriter::start_event(std::string_view phase, std::string_view name,
                                   std::string_view category, std::uint32_t pid,
                                   std::uint32_t tid) {
    out_ << (first_ ? "\n" : ",\n") << "{\"ph\":\"" << phase << "\",\"name\":";
    first_ = false;
    quoted(out_, name);
    if (!category.empty()) {
        out_ << ",\"cat\":";
        quoted(out_, category);
    }
    out_ << ",\"pid\":" << pid << ",\"tid\":" << tid;
    ++events_;
}

void TraceEventWriter::write_time(std::uint64_t ps) {
    // Microseconds with six decimals: exact for picoseconds.
    char text[48];
    std::snprintf(text, sizeof text, ",\"ts\":%llu.%06llu",
                  static_cast<unsigned long long>(ps / 1000000),
                  static_cast<unsigned long long>(ps % 1000000));
    out_ << text;
}

std::uint64_t TraceEventWriter::advance(Track track, std::uint64_t ps) {
    TrackState& s = tracks_[track];
    if (ps < s.last_ps) {
        ++clamped_;
        ps = s.last_ps;
    }
    s.last_ps = ps;
    latest_ps_ = std::max(latest_ps_, ps);
    return ps;
}

void TraceEventWriter::metadata(std::string_view what, std::uint32_t pid, std::uint32_t tid,
                                const boost::json::object& args) {
    start_event("M", what, "", pid, tid);
    out_ << ",\"ts\":0,\"args\":" << boost::json::serialize(args) << "}";
}

std::uint32_t TraceEventWriter::process(std::string_view name) {
    const std::uint32_t pid = ++processes_;
    if (finished_) {
        return pid;
    }
    metadata("process_name", pid, 0,
             {{"name", boost::json::string_view(name.data(), name.size())}});
    metadata("process_sort_index", pid, 0, {{"sort_index", pid}});
    return pid;
}

Track TraceEventWriter::thread(std::uint32_t pid, std::string_view name) {
    const std::uint32_t tid = ++threads_[pid];
    const Track t{pid, tid};
    tracks_[t];
    if (finished_) {
        return t;
    }
    metadata("thread_name", pid, tid,
             {{"name", boost::json::string_view(name.data(), name.size())}});
    metadata("thread_sort_index", pid, tid, {{"sort_index", tid}});
    return t;
}

void TraceEventWriter::begin(Track track, std::string_view name, std::string_view category,
                             std::uint64_t ps, const boost::json::object& args) {
    if (finished_) {
        return;
    }
    TrackState& state = tracks_[track];
    ps = std::max(ps, state.last_ps);
    if (!state.open.empty()) {
        ps = std::max(ps, state.open.back().start_ps); // children start inside their parent
    }
    state.open.push_back(Slice{std::string(name), std::string(category), ps, args});
}

bool TraceEventWriter::end(Track track, std::uint64_t ps, const boost::json::object& args) {
    auto it = tracks_.find(track);
    if (finished_ || it == tracks_.end() || it->second.open.empty()) {
        return false;
    }
    ps = advance(track, ps);
    Slice slice = std::move(it->second.open.back());
    it->second.open.pop_back();
    for (const auto& [key, value] : args) {
        slice.args[key] = value;
    }
    start_event("X", slice.name, slice.category, track.pid, track.tid);
    write_time(slice.start_ps);
    char dur[48];
    const std::uint64_t d = ps - slice.start_ps;
    std::snprintf(dur, sizeof dur, ",\"dur\":%llu.%06llu",
                  static_cast<unsigned long long>(d / 1000000),
                  static_cast<unsigned long long>(d % 1000000));
    out_ << dur;
    if (!slice.args.empty()) {
        out_ << ",\"args\":" << boost::json::serialize(slice.args);
    }
    out_ << "}";
    return true;
}

void TraceEventWriter::end_all(Track track, std::uint64_t ps, const boost::json::object& args) {
    while (end(track, ps, args)) {
    }
}

std::size_t TraceEventWriter::open_slices(Track track) const {
    auto it = tracks_.find(track);
    return it == tracks_.end() ? 0 : it->second.open.size();
}

std::string_view TraceEventWriter::innermost(Track track) const {
    auto it = tracks_.find(track);
    if (it == tracks_.end() || it->second.open.empty()) {
        return {};
    }
    return it->second.open.back().name;
}

void TraceEventWriter::instant(Track track, std::string_view name, std::string_view category,
                               std::uint64_t ps, const boost::json::object& args) {
    if (finished_) {
        return;
    }
    ps = advance(track, ps);
    start_event("i", name, category, track.pid, track.tid);
    write_time(ps);
    out_ << ",\"s\":\"t\"";
    if (!args.empty()) {
        out_ << ",\"args\":" << boost::json::serialize(args);
    }
    out_ << "}";
}

void TraceEventWriter::counter(std::uint32_t pid, std::string_view name, std::uint64_t ps,
                               const boost::json::object& values) {
    if (finished_) {
        return;
    }
    // Counters live on their own (process, name) track; tid 0 is never a thread track here.
    ps = advance(Track{pid, 0}, ps);
    start_event("C", name, "", pid, 0);
    write_time(ps);
    out_ << ",\"args\":" << boost::json::serialize(values) << "}";
}

void TraceEventWriter::finish(std::uint64_t ps) {
    if (finished_) {
        return;
    }
    ps = std::max(ps, latest_ps_);
    for (auto& [track, state] : tracks_) {
        if (track.tid != 0) {
            end_all(track, ps, {{"unfinished", true}});
        }
    }
    out_ << "\n]}\n";
    out_.flush();
    finished_ = true;
}

} // namespace aie4sim::trace
