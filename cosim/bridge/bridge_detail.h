#pragma once
// What the Bridge's source files share: its log channel, function names and statuses in its
// log lines and replies. Private to cosim/bridge/.

#include "common/hex.h"
#include "cosim/protocol/aie4sim_wire.h"

#include <cstdint>
#include <string>
#include <tlm>

namespace aie4sim::cosim::bridge_detail {

inline constexpr const char* kLog = "bridge";

inline std::string function_name(unsigned fn) {
    return fn == 0 ? "PF" : "VF" + std::to_string(fn);
}

// A TLM response as the protocol's status.
inline std::uint16_t status_of(tlm::tlm_response_status s) {
    switch (s) {
    case tlm::TLM_OK_RESPONSE:
        return A4S_OK;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE:
        return A4S_E_UNSUPPORTED;
    default:
        return A4S_E_ABORT;
    }
}

} // namespace aie4sim::cosim::bridge_detail
