#pragma once
// The SMU (MP1) mailbox in the PF's BAR5 (docs/driver/amdxdna-7.3.4.md 2.2): the driver
// writes RESP (0x9F0) = 0, ARG (0x9F4), CMD (0x9EC), then INTR (0x000) = 0 and 1, and polls
// RESP until it is non-zero; 1 means done.

#include "models/firmware/firmware.h"
#include "models/firmware/word_registers.h"

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace aie4sim::models {

namespace smu {
inline constexpr std::uint32_t kCommand = 0x9EC;
inline constexpr std::uint32_t kResponse = 0x9F0;
inline constexpr std::uint32_t kArgument = 0x9F4;
inline constexpr std::uint32_t kInterrupt = 0x000;
} // namespace smu

class Smu : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Smu> registers; // the PF's BAR5

    Smu(const sc_core::sc_module_name& name, Firmware& firmware);
    void reset() { regs_.clear(); }

private:
    void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    Firmware& firmware_;
    WordRegisters regs_;
};

} // namespace aie4sim::models
