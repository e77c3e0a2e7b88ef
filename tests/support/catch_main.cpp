#define CATCH_CONFIG_RUNNER
#include "common/log.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <systemc>

// libsystemc's own main() calls sc_main; the tests bring their own main (Catch's runner), but
// the library still needs the symbol to link.
int sc_main(int /*argc*/, char* /*argv*/[]) {
    return 0;
}

int main(int argc, char* argv[]) {
    // Tests build many small simulations: SystemC's banner and its warning about an
    // sc_start(SC_ZERO_TIME) that only elaborates are noise in test logs.
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    sc_core::sc_report_handler::set_actions(sc_core::SC_ID_NO_SC_START_ACTIVITY_,
                                            sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                            sc_core::SC_DO_NOTHING); // "stopped by user"
    // The model's log is quiet in tests unless asked for (AIE4SIM_TEST_LOG=debug, say).
    const char* log = std::getenv("AIE4SIM_TEST_LOG");
    aie4sim::common::log_configure(log != nullptr ? log : "off");
    return Catch::Session().run(argc, argv);
}
