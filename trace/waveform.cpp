#include "trace/waveform.h"

#include "models/aie4_device.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace aie4sim::trace {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

Waveform::Waveform(models::Aie4Device& device, const std::string& path) : path_(path) {
    const std::string base = ends_with(path, ".vcd") ? path.substr(0, path.size() - 4) : path;
    written_ = base + ".vcd";
    // SystemC reports an unwritable file through its report handler, after the fact; check
    // first so that the error names the file.
    if (!std::ofstream(written_, std::ios::trunc)) {
        throw std::runtime_error("cannot write the waveform file " + written_);
    }
    file_ = sc_core::sc_create_vcd_trace_file(base.c_str());
    if (file_ == nullptr) {
        throw std::runtime_error("cannot write the waveform file " + written_);
    }
    // Picoseconds, SystemC's time resolution, so that no change is merged with another; the
    // kernel's note that the unit was set is of no use on a command line.
    sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_DO_NOTHING);
    file_->set_time_unit(1, sc_core::SC_PS);
    device.array().trace(file_, "array");
    sriov::Endpoint& endpoint = device.endpoint();
    endpoint.pf().trace(file_, "pcie.pf");
    for (unsigned n = 1; n <= endpoint.total_vfs(); ++n) {
        endpoint.vf(n).trace(file_, "pcie.vf" + std::to_string(n));
    }
}

Waveform::~Waveform() {
    try {
        close();
    } catch (const std::exception&) {
        // Destructors must not throw; close() explicitly to see the error.
    }
}

void Waveform::close() {
    if (file_ == nullptr) {
        return;
    }
    sc_core::sc_close_vcd_trace_file(file_);
    file_ = nullptr;
    if (written_ != path_ && std::rename(written_.c_str(), path_.c_str()) != 0) {
        throw std::runtime_error("cannot rename " + written_ + " to " + path_);
    }
}

} // namespace aie4sim::trace
