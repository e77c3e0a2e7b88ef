// The PF's firmware: power (SMU), boot (PSP), and the PF's management messages.
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "models/firmware/firmware.h"

#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "fw";

// SMU commands (docs/driver/amdxdna-7.3.4.md 2.2)
constexpr std::uint32_t kSmuPowerOn = 3;
constexpr std::uint32_t kSmuPowerOff = 4;
constexpr std::uint32_t kSmuDone = 1;
constexpr std::uint32_t kSmuUnknownCommand = 0xFE;

// Header of the project's firmware images (scripts/guest/make-firmware.sh): a NUL-padded
// 16-byte magic, a u32 format version, a u32 total size.
constexpr char kFirmwareMagic[] = "AIE4SIM-NPU-FW";
constexpr char kCertificateMagic[] = "AIE4SIM-CERT";
constexpr std::size_t kImageHeader = 24;
} // namespace

std::uint32_t Firmware::smu_command(std::uint32_t command, std::uint32_t argument) {
    switch (command) {
    case kSmuPowerOn:
        if (!status_.powered) {
            AIE4SIM_LOG(info, kLog, "SMU: POWER_ON");
        }
        status_.powered = true;
        return kSmuDone;
    case kSmuPowerOff:
        AIE4SIM_LOG(info, kLog, "SMU: POWER_OFF");
        stop_firmware();
        status_.powered = false;
        return kSmuDone;
    case 5:
    case 6:
    case 7:
    case 8: // clock and DPM level commands: accepted, no effect on the model's timing
        AIE4SIM_LOG(info, kLog, "SMU: command " << command << " (argument " << argument << ")");
        return kSmuDone;
    default:
        AIE4SIM_LOG(warn, kLog, "SMU: unknown command " << command);
        return kSmuUnknownCommand;
    }
}

std::uint32_t Firmware::psp_validate(ImageKind kind, const std::vector<std::uint8_t>& image,
                                     std::uint32_t declared_size) {
    const char* what = kind == ImageKind::firmware ? "firmware" : "certificate";
    if (!status_.powered || status_.started) {
        AIE4SIM_LOG(warn, kLog,
                    "PSP: VALIDATE of the " << what << " while "
                                            << (status_.started ? "running" : "powered off")
                                            << ": bad state");
        return kPspBadState;
    }
    const char* magic = kind == ImageKind::firmware ? kFirmwareMagic : kCertificateMagic;
    std::uint32_t total = 0;
    if (image.size() >= kImageHeader) {
        std::memcpy(&total, image.data() + 20, 4);
    }
    // The contents are not interpreted: the header says what the image is and how long.
    if (image.size() < kImageHeader || std::memcmp(image.data(), magic, std::strlen(magic)) != 0 ||
        total < kImageHeader || total > declared_size) {
        AIE4SIM_LOG(error, kLog,
                    "PSP: the " << what << " image (" << declared_size
                                << " bytes declared) is not an aie4sim image");
        return kPspBadImage;
    }
    AIE4SIM_LOG(info, kLog, "PSP: " << what << " image validated (" << total << " bytes)");
    (kind == ImageKind::firmware ? status_.firmware_validated : status_.certificate_validated) =
        true;
    return kPspOk;
}

std::uint32_t Firmware::psp_start() {
    if (!status_.powered || !status_.firmware_validated || status_.started) {
        AIE4SIM_LOG(warn, kLog, "PSP: START without a validated firmware, or twice: bad state");
        return kPspBadState;
    }
    status_.started = true;
    const std::uint64_t generation = ++boot_generation_;
    AIE4SIM_LOG(info, kLog, "PSP: START: firmware boots in " << config_.boot_time);
    after(config_.boot_time, [this, generation] {
        if (generation != boot_generation_ || !status_.started) {
            return;
        }
        status_.running = true;
        functions_[0].alive = true;
        mailboxes_[0]->publish(config_.protocol_major, config_.protocol_minor);
    });
    return kPspOk;
}

std::uint32_t Firmware::psp_release() {
    AIE4SIM_LOG(info, kLog, "PSP: RELEASE_TMR: firmware stopped");
    stop_firmware();
    return kPspOk;
}

void Firmware::stop_firmware() {
    ++boot_generation_;
    destroy_vfs();
    clear_function(0);
    mailboxes_[0]->reset();
    functions_[0].alive = false;
    status_.firmware_validated = false;
    status_.certificate_validated = false;
    status_.started = false;
    status_.running = false;
    status_.work_buffer = 0;
    status_.work_buffer_size = 0;
}

MailboxReply Firmware::handle_pf(const MailboxRequest& request) {
    switch (request.header.opcode) {
    case mgmt::kAttachWorkBuffer:
        return attach_work_buffer(request);
    case mgmt::kSuspend:
        // PF teardown: the driver then releases the firmware (RELEASE_TMR) and powers off.
        AIE4SIM_LOG(info, kLog, "PF: SUSPEND");
        return status_reply(mgmt::kOk);
    case mgmt::kCreateVfs:
        return create_vfs(request);
    case mgmt::kDestroyVfs:
        return destroy_vfs();
    default: {
        const mgmt::OpcodeInfo* info = mgmt::find_opcode(request.header.opcode);
        AIE4SIM_LOG(info, kLog,
                    "PF: " << mgmt::opcode_name(request.header.opcode) << " is not supported");
        return status_reply(mgmt::kNotSupported,
                            info != nullptr ? info->reply_size : mgmt::kDefaultReplySize);
    }
    }
}

MailboxReply Firmware::attach_work_buffer(const MailboxRequest& request) {
    std::uint64_t address = 0;
    std::uint32_t size = 0;
    std::memcpy(&address, request.payload.data(), 8);
    std::memcpy(&size, request.payload.data() + 12, 4);
    const bool size_ok = size >= (4u << 20) && size <= (64u << 20) && (size & (size - 1)) == 0;
    if (!size_ok || address == 0 || (address & 0xFFF) != 0) {
        AIE4SIM_LOG(error, kLog,
                    "PF: work buffer of " << size << " bytes at 0x" << std::hex << address
                                          << std::dec
                                          << " refused (4-64 MiB, power of two, "
                                             "page aligned)");
        return status_reply(mgmt::kError);
    }
    // The firmware keeps its state there: it writes its header at once, which also proves the
    // PF's DMA path (bus mastering, any IOMMU mapping) before the first VF exists.
    char header[64] = "aie4sim firmware work buffer";
    if (!tlm_util::Transaction(true, address, header, sizeof header).send_and_wait(pf_dma)) {
        AIE4SIM_LOG(error, kLog,
                    "PF: the work buffer at 0x" << std::hex << address << std::dec
                                                << " is not writable by DMA");
        return status_reply(mgmt::kError);
    }
    status_.work_buffer = address;
    status_.work_buffer_size = size;
    AIE4SIM_LOG(info, kLog,
                "PF: work buffer of " << (size >> 20) << " MiB attached at 0x" << std::hex
                                      << address);
    return status_reply(mgmt::kOk);
}

MailboxReply Firmware::create_vfs(const MailboxRequest& request) {
    std::uint32_t count = 0;
    std::memcpy(&count, request.payload.data(), 4);
    const unsigned available = static_cast<unsigned>(mailboxes_.size() - 1);
    if (count == 0 || count > available) {
        AIE4SIM_LOG(error, kLog,
                    "PF: CREATE_VFS(" << count << ") refused: 1 to " << available << " VFs");
        return status_reply(mgmt::kError);
    }
    if (status_.vfs != 0) {
        AIE4SIM_LOG(error, kLog,
                    "PF: CREATE_VFS(" << count << ") refused: " << status_.vfs
                                      << " VFs exist already");
        return status_reply(mgmt::kError);
    }
    // Each VF's mailbox must be valid before the driver enables SR-IOV: the VF driver probes
    // inside the enable and polls valid for 1 s only.
    for (unsigned n = 1; n <= count; ++n) {
        clear_function(n);
        mailboxes_[n]->reset();
        functions_[n].alive = true;
        mailboxes_[n]->publish(config_.protocol_major, config_.protocol_minor);
    }
    status_.vfs = count;
    AIE4SIM_LOG(info, kLog, "PF: CREATE_VFS: " << count << " VF firmware instances running");
    return status_reply(mgmt::kOk);
}

MailboxReply Firmware::destroy_vfs() {
    if (status_.vfs != 0) {
        AIE4SIM_LOG(info, kLog, "PF: DESTROY_VFS: " << status_.vfs << " VF instances stopped");
    }
    for (unsigned n = 1; n < mailboxes_.size(); ++n) {
        if (functions_[n].alive) {
            clear_function(n);
            functions_[n].alive = false;
            mailboxes_[n]->reset();
        }
    }
    status_.vfs = 0;
    return status_reply(mgmt::kOk);
}

} // namespace aie4sim::models
