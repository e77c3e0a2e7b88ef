#pragma once
// The PSP (MPASP) mailbox in the PF's BAR4, as the driver drives it
// (docs/driver/amdxdna-7.3.4.md 2.3): C2PMSG_123 (0xAEC) holds the command in 30:24 and ARG2,
// and reads bit 31 "ready"; C2PMSG_156 (0xB70) is ARG0 and, after a command, RESP (0 = ok);
// C2PMSG_157 (0xB74) is ARG1; writing 0xD007BE11 to C2PMSG_73 (0xA24) starts the command.
// VALIDATE and VALIDATE_CERT read the image from host physical memory (the driver hands over
// virt_to_phys addresses), as translated DMA requests of the PF.

#include "models/firmware/firmware.h"
#include "models/firmware/word_registers.h"

#include <cstdint>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

namespace aie4sim::models {

namespace psp {
inline constexpr std::uint32_t kCommandStatus = 0xAEC; // C2PMSG_123
inline constexpr std::uint32_t kArg0Response = 0xB70;  // C2PMSG_156
inline constexpr std::uint32_t kArg1 = 0xB74;          // C2PMSG_157
inline constexpr std::uint32_t kDoorbell = 0xA24;      // C2PMSG_73
inline constexpr std::uint32_t kKick = 0xD007BE11;
inline constexpr std::uint32_t kReady = 1u << 31;
inline constexpr std::uint32_t kValidate = 1;
inline constexpr std::uint32_t kStart = 2;
inline constexpr std::uint32_t kReleaseTmr = 3;
inline constexpr std::uint32_t kValidateCert = 4;
inline constexpr std::uint32_t kMaxImage = 4u << 20;
} // namespace psp

class Psp : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Psp> registers; // the PF's BAR4
    tlm_utils::simple_initiator_socket<Psp> dma;    // the PF's DMA path

    Psp(const sc_core::sc_module_name& name, Firmware& firmware, sc_core::sc_time command_time);
    SC_HAS_PROCESS(Psp);
    void reset();

private:
    void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void run();
    std::uint32_t execute(std::uint32_t command, std::uint64_t address, std::uint32_t size);

    Firmware& firmware_;
    sc_core::sc_time command_time_;
    WordRegisters regs_;
    bool busy_ = false;
    sc_core::sc_event kicked_;
};

} // namespace aie4sim::models
