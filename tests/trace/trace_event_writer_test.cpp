// The trace-event writer on its own: the document's shape, per-phase fields, exact times,
// nesting, clamping and the closing of open slices.
#include "trace/trace_event_writer.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <sstream>

using aie4sim::trace::TraceEventWriter;
using aie4sim::trace::Track;

namespace {

boost::json::array events_of(const std::string& text) {
    const boost::json::value doc = boost::json::parse(text);
    return doc.as_object().at("traceEvents").as_array(); // a copy: doc goes away
}

} // namespace

TEST_CASE("the writer produces a JSON object with named processes and tracks", "[trace]") {
    std::ostringstream out;
    {
        TraceEventWriter w(out, {{"tool", "test"}});
        const auto pid = w.process("Cores");
        const Track t = w.thread(pid, "core (0,2)");
        w.begin(t, "program \"gemm\"", "core", 1'500'000, {{"kernel", 1}});
        w.begin(t, "gemm", "kernel", 2'000'001);
        CHECK(w.open_slices(t) == 2);
        CHECK(w.innermost(t) == "gemm");
        CHECK(w.end(t, 3'000'000, {{"ok", true}}));
        w.instant(t, "note", "core", 3'000'000, {{"x", 1}});
        w.counter(pid, "busy", 3'000'000, {{"cores", 4}});
        w.finish(4'000'000);
        CHECK(w.finished());
    }
    const auto doc = boost::json::parse(out.str()).as_object();
    CHECK(doc.at("displayTimeUnit").as_string() == "ns");
    CHECK(doc.at("otherData").as_object().at("tool").as_string() == "test");
    const auto& ev = doc.at("traceEvents").as_array();
    REQUIRE(ev.size() == 4 + 4); // 4 metadata; X (kernel), i, C, X (program, closed by finish)
    CHECK(ev[0].at("ph").as_string() == "M");
    CHECK(ev[0].at("name").as_string() == "process_name");
    CHECK(ev[0].at("args").at("name").as_string() == "Cores");
    CHECK(ev[2].at("name").as_string() == "thread_name");
    CHECK(ev[2].at("args").at("name").as_string() == "core (0,2)");
    // A slice is one complete event, written when it ends, with its args and the end's.
    const auto& kernel = ev[4].as_object();
    CHECK(kernel.at("ph").as_string() == "X");
    CHECK(kernel.at("name").as_string() == "gemm");
    CHECK(kernel.at("cat").as_string() == "kernel");
    CHECK(kernel.at("args").at("ok").as_bool());
    // Six decimals of microseconds: 2,000,001 ps starts at 2.000001 us and lasts 0.999999 us.
    CHECK(out.str().find("\"ts\":2.000001,\"dur\":0.999999") != std::string::npos);
    CHECK(ev[5].at("ph").as_string() == "i");
    CHECK(ev[5].at("s").as_string() == "t");
    CHECK(ev[6].at("ph").as_string() == "C");
    CHECK(ev[6].at("args").at("cores").as_int64() == 4);
    const auto& program = ev[7].as_object();
    CHECK(program.at("ph").as_string() == "X");
    CHECK(program.at("name").as_string() == "program \"gemm\"");
    CHECK(program.at("ts").as_double() == 1.5);
    CHECK(program.at("dur").as_double() == 2.5);
    CHECK(program.at("args").at("kernel").as_int64() == 1);
    CHECK(program.at("args").at("unfinished").as_bool());
}

TEST_CASE("a track's time never goes backwards and an unmatched end writes nothing", "[trace]") {
    std::ostringstream out;
    TraceEventWriter w(out);
    const Track t = w.thread(w.process("p"), "t");
    CHECK_FALSE(w.end(t, 10));
    w.begin(t, "a", "c", 5'000'000);
    w.begin(t, "b", "c", 4'000'000); // before its parent: starts with it
    w.end(t, 6'000'000);
    w.end(t, 5'500'000); // before the last end on the track: clamped
    CHECK(w.clamped() == 1);
    CHECK(w.open_slices(t) == 0);
    w.finish(0);
    w.begin(t, "late", "c", 7'000'000); // after finish: ignored
    CHECK_FALSE(w.end(t, 8'000'000));
    const auto ev = events_of(out.str());
    REQUIRE(ev.size() == 4 + 2);
    CHECK(ev[4].at("name").as_string() == "b");
    CHECK(ev[4].at("ts").as_double() == 5.0);
    CHECK(ev[4].at("dur").as_double() == 1.0);
    CHECK(ev[5].at("name").as_string() == "a");
    CHECK(ev[5].at("dur").as_double() == 1.0);
}

TEST_CASE("the destructor completes the document", "[trace]") {
    std::ostringstream out;
    {
        TraceEventWriter w(out);
        const Track t = w.thread(w.process("p"), "t");
        w.instant(t, "mark", "c", 9'000'000);
        w.begin(t, "open", "c", 7'000'000);
    }
    const auto ev = events_of(out.str());
    REQUIRE(ev.size() == 6);
    CHECK(ev[5].at("ph").as_string() == "X");
    CHECK(ev[5].at("ts").as_double() == 9.0); // a slice never starts before the track's time
    CHECK(ev[5].at("args").at("unfinished").as_bool());
}

TEST_CASE("an unwritable trace file is refused with its name", "[trace]") {
    CHECK_THROWS_WITH(TraceEventWriter::open_file("/nonexistent-dir/t.json"),
                      Catch::Contains("/nonexistent-dir/t.json"));
}
