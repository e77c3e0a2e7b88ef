#pragma once
// Writes a timeline in the Chrome / Perfetto trace-event JSON format ("JSON Object Format":
// {"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}), streamed as events
// happen so that a long run needs no memory for its trace.
//
// A track is a (process, thread) pair of the format; processes group tracks, and both are
// named by metadata events (process_name, thread_name, and sort indexes in creation order) so
// that a viewer shows readable, ordered tracks. A slice is opened by begin() and written when
// end() closes it, as one complete event ("X": start and duration), because viewers agree on
// those: Chrome DevTools, for one, pairs B/E events on one stack for the whole trace, not per
// track, and would mix up the slices of concurrent tracks. Slices nest per track; finish()
// closes whatever is still open (marked "unfinished"). Time is given in picoseconds and
// written as microseconds with six decimals (exact, no float rounding). On each track, the
// time at which events are written (an instant's time, a slice's end) never goes backwards in
// the file: an earlier time is clamped to the track's last one and counted in clamped().
//
// Plain C++: no SystemC here; the caller supplies the time.

#include <boost/json/object.hpp>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace aie4sim::trace {

struct Track {
    std::uint32_t pid = 0;
    std::uint32_t tid = 0;
    friend bool operator<(const Track& a, const Track& b) {
        return a.pid != b.pid ? a.pid < b.pid : a.tid < b.tid;
    }
};

class TraceEventWriter {
public:
    // Writes to `out`, which must outlive the writer. `other_data` goes to "otherData".
    explicit TraceEventWriter(std::ostream& out, boost::json::object other_data = {});
    // Opens `path` for writing; throws std::runtime_error naming the file if it cannot.
    static std::unique_ptr<TraceEventWriter> open_file(const std::string& path,
                                                       boost::json::object other_data = {});
    ~TraceEventWriter();
    TraceEventWriter(const TraceEventWriter&) = delete;
    TraceEventWriter& operator=(const TraceEventWriter&) = delete;

    // A new process (group of tracks) named `name`; processes sort in creation order.
    std::uint32_t process(std::string_view name);
    // A new track of process `pid` named `name`; tracks sort in creation order.
    Track thread(std::uint32_t pid, std::string_view name);

    // A slice on `track` from `ps` until the matching end() (nothing is written until then).
    void begin(Track track, std::string_view name, std::string_view category, std::uint64_t ps,
               const boost::json::object& args = {});
    // Ends the innermost open slice of `track`; `args` are merged into the slice's. False (and
    // nothing written) if the track has no open slice.
    bool end(Track track, std::uint64_t ps, const boost::json::object& args = {});
    // Ends every open slice of `track`, innermost first.
    void end_all(Track track, std::uint64_t ps, const boost::json::object& args = {});
    [[nodiscard]] std::size_t open_slices(Track track) const;
    [[nodiscard]] std::string_view innermost(Track track) const;

    void instant(Track track, std::string_view name, std::string_view category, std::uint64_t ps,
                 const boost::json::object& args = {});
    // A counter track of process `pid`: one value per key of `values`.
    void counter(std::uint32_t pid, std::string_view name, std::uint64_t ps,
                 const boost::json::object& values);

    // Closes every open slice at `ps` (marked "unfinished": true), ends the JSON document and
    // flushes. Later calls do nothing; the destructor calls it with the latest time seen.
    void finish(std::uint64_t ps);
    [[nodiscard]] bool finished() const { return finished_; }

    [[nodiscard]] std::uint64_t events() const { return events_; }
    [[nodiscard]] std::uint64_t clamped() const { return clamped_; }
    [[nodiscard]] bool good() const { return out_.good(); }

private:
    TraceEventWriter(std::unique_ptr<std::ofstream> file, boost::json::object other_data);
    struct Slice {
        std::string name;
        std::string category;
        std::uint64_t start_ps;
        boost::json::object args;
    };
    struct TrackState {
        std::uint64_t last_ps = 0;
        std::vector<Slice> open; // innermost last
    };
    void start_event(std::string_view phase, std::string_view name, std::string_view category,
                     std::uint32_t pid, std::uint32_t tid);
    void write_time(std::uint64_t ps);
    std::uint64_t advance(Track track, std::uint64_t ps);
    void metadata(std::string_view what, std::uint32_t pid, std::uint32_t tid,
                  const boost::json::object& args);

    std::unique_ptr<std::ofstream> owned_;
    std::ostream& out_;
    std::map<Track, TrackState> tracks_;
    std::uint32_t processes_ = 0;
    std::map<std::uint32_t, std::uint32_t> threads_; // per process
    std::uint64_t latest_ps_ = 0;
    std::uint64_t events_ = 0;
    std::uint64_t clamped_ = 0;
    bool first_ = true;
    bool finished_ = false;
};

} // namespace aie4sim::trace
