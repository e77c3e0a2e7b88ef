#pragma once
// SystemC allows one elaboration per simulation context, but each test case wants its own
// module tree. A FreshSimulation installs a new, empty context for the test that creates it.
// The previous context is intentionally leaked: SystemC 2.3 has no safe way to destroy one
// that has run (its processes may still reference it).

#include <systemc>

namespace aie4sim::testing {

class FreshSimulation {
public:
    FreshSimulation() {
        sc_core::sc_curr_simcontext = new sc_core::sc_simcontext();
        sc_core::sc_default_global_context = sc_core::sc_curr_simcontext;
    }
};

} // namespace aie4sim::testing
