#include "trace/recording.h"

#include <stdexcept>

namespace aie4sim::trace {

DeviceRecording::DeviceRecording(models::Aie4Device& device, const RecordingOptions& options,
                                 boost::json::object about)
    : trace_file_(options.trace_file) {
    if (!options.trace_file.empty()) {
        writer_ = TraceEventWriter::open_file(options.trace_file, std::move(about));
        timeline_ = std::make_unique<DeviceTimeline>(device, *writer_);
    }
    if (!options.vcd_file.empty()) {
        waveform_ = std::make_unique<Waveform>(device, options.vcd_file);
    }
}

DeviceRecording::~DeviceRecording() {
    try {
        finish();
    } catch (const std::exception&) {
        // Reported by an explicit finish(); a destructor must not throw.
    }
}

void DeviceRecording::finish() {
    if (timeline_) {
        timeline_->finish();
        const bool ok = writer_->good();
        timeline_.reset(); // detached from the device
        writer_.reset();   // the file closed
        if (!ok) {
            throw std::runtime_error("writing the trace file " + trace_file_ + " failed");
        }
    }
    if (waveform_) {
        waveform_->close();
        waveform_.reset();
    }
}

} // namespace aie4sim::trace
