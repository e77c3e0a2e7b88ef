#pragma once
// Waiting for a set of SystemC processes to end. A process that has already terminated
// notified its terminated_event in the past: waiting on it then would never return, so each
// process is checked first (IEEE 1666 §5.6.6).

#include <systemc>
#include <vector>

namespace aie4sim::models::host {

// Returns once every process in `processes` has terminated. Call from an SC_THREAD.
// (The handles are copied: terminated_event() is not const in SystemC 2.3.)
inline void join_all(std::vector<sc_core::sc_process_handle> processes) {
    for (sc_core::sc_process_handle& p : processes) {
        if (p.valid() && !p.terminated()) {
            sc_core::wait(p.terminated_event());
        }
    }
}

} // namespace aie4sim::models::host
