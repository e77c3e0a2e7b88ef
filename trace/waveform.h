#pragma once
// A waveform of the device for GTKWave, written through SystemC's own VCD tracing
// (sc_create_vcd_trace_file / sc_trace): per array column its owner tag; per tile every lock's
// value, every DMA channel's state (running, halted, lock and stream stalls, current BD, tasks
// done) and the core's state (running, in a kernel, stalled on a lock, done, error, kernel
// runs); per PCIe function the MSI-X messages sent and blocked. SystemC samples the signals at
// the end of every simulated time step, so a value that changes and changes back within one
// time step does not show.
//
// Create it during elaboration (before the first sc_start); the file is complete once close()
// ran or the Waveform is destroyed.

#include <cstddef>
#include <string>
#include <systemc>

namespace aie4sim::models {
class Aie4Device;
}

namespace aie4sim::trace {

class Waveform {
public:
    // Writes `path` (SystemC appends ".vcd" to what it is given: a path that does not end in
    // .vcd is written as path.vcd and renamed on close). Throws std::runtime_error naming the
    // file if it cannot be written.
    Waveform(models::Aie4Device& device, const std::string& path);
    ~Waveform();
    Waveform(const Waveform&) = delete;
    Waveform& operator=(const Waveform&) = delete;

    void close();

private:
    std::string path_;
    std::string written_; // what SystemC writes
    sc_core::sc_trace_file* file_ = nullptr;
};

} // namespace aie4sim::trace
