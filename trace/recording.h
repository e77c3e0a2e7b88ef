#pragma once
// What a command records of a device run, from its --trace and --vcd options: a timeline
// (device_timeline.h) and a waveform (waveform.h). Built during elaboration, finished after
// the simulation.

#include "trace/device_timeline.h"
#include "trace/trace_event_writer.h"
#include "trace/waveform.h"

#include <boost/json/object.hpp>
#include <memory>
#include <string>

namespace aie4sim::trace {

struct RecordingOptions {
    std::string trace_file; // empty: no timeline
    std::string vcd_file;   // empty: no waveform
};

class DeviceRecording {
public:
    // `about` is written into the trace's otherData (tool, command, configuration...).
    DeviceRecording(models::Aie4Device& device, const RecordingOptions& options,
                    boost::json::object about);
    ~DeviceRecording();
    DeviceRecording(const DeviceRecording&) = delete;
    DeviceRecording& operator=(const DeviceRecording&) = delete;

    // Ends both files at the current simulated time. Throws if a file could not be completed.
    void finish();

private:
    std::unique_ptr<TraceEventWriter> writer_;
    std::unique_ptr<DeviceTimeline> timeline_;
    std::unique_ptr<Waveform> waveform_;
    std::string trace_file_;
};

} // namespace aie4sim::trace
