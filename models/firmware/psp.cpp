#include "models/firmware/psp.h"

#include "common/log.h"
#include "common/tlm/transaction.h"
#include "pcie/tlm_extensions.h"

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "psp";
}

Psp::Psp(const sc_core::sc_module_name& name, Firmware& firmware, sc_core::sc_time command_time)
    : sc_core::sc_module(name), registers("registers"), dma("dma"), firmware_(firmware),
      command_time_(command_time) {
    registers.register_b_transport(this, &Psp::transport);
    reset();
    SC_THREAD(run);
}

void Psp::reset() {
    regs_.clear();
    regs_[psp::kCommandStatus] = psp::kReady; // the PSP is always on: ready when idle
    busy_ = false;
}

void Psp::transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    regs_.serve(trans, [this](std::uint32_t offset, std::uint32_t value) {
        if (offset == psp::kDoorbell && value == psp::kKick) {
            if (busy_) {
                AIE4SIM_LOG(warn, kLog, "kicked while busy: ignored");
            } else {
                busy_ = true;
                regs_[psp::kCommandStatus] &= ~psp::kReady;
                kicked_.notify(sc_core::SC_ZERO_TIME);
            }
        } else if (!(busy_ && offset == psp::kCommandStatus)) {
            regs_[offset] = value;
        }
    });
}

std::uint32_t Psp::execute(std::uint32_t command, std::uint64_t address, std::uint32_t size) {
    switch (command) {
    case psp::kValidate:
    case psp::kValidateCert: {
        const ImageKind kind =
            command == psp::kValidate ? ImageKind::firmware : ImageKind::certificate;
        if (size == 0 || size > psp::kMaxImage) {
            AIE4SIM_LOG(error, kLog, "image size " << size << " out of range");
            return kPspBadImage;
        }
        std::vector<std::uint8_t> image(size);
        pcie::TranslatedExtension physical;
        if (!tlm_util::Transaction(false, address, image.data(), size)
                 .with(physical)
                 .send_and_wait(dma)) {
            AIE4SIM_LOG(error, kLog,
                        "cannot read the image at physical address 0x" << std::hex << address);
            return kPspBadImage;
        }
        return firmware_.psp_validate(kind, image, size);
    }
    case psp::kStart:
        return firmware_.psp_start();
    case psp::kReleaseTmr:
        return firmware_.psp_release();
    default:
        AIE4SIM_LOG(warn, kLog, "unknown command " << command);
        return kPspBadState;
    }
}

void Psp::run() {
    for (;;) {
        wait(kicked_);
        const std::uint32_t status = regs_[psp::kCommandStatus];
        const std::uint32_t command = (status >> 24) & 0x7F;
        const std::uint32_t arg2 = status & 0x00FFFFFF;
        const std::uint64_t address =
            (std::uint64_t{regs_[psp::kArg1]} << 32) | regs_[psp::kArg0Response];
        AIE4SIM_LOG(debug, kLog,
                    "command " << command << " arg0/1 0x" << std::hex << address << " arg2 0x"
                               << arg2);
        const std::uint32_t response = execute(command, address, arg2);
        wait(command_time_);
        regs_[psp::kArg0Response] = response;
        regs_[psp::kCommandStatus] = status | psp::kReady;
        busy_ = false;
    }
}

} // namespace aie4sim::models
