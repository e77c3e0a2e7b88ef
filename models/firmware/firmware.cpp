#include "models/firmware/firmware.h"

#include "common/log.h"

#include <cstring>

namespace aie4sim::models {

namespace {
constexpr const char* kLog = "fw";

std::string function_name(unsigned f) {
    return f == 0 ? "PF" : "VF" + std::to_string(f);
}
} // namespace

std::vector<std::uint8_t> status_reply(std::uint32_t status, std::size_t size) {
    std::vector<std::uint8_t> out(std::max<std::size_t>(size, 4), 0);
    std::memcpy(out.data(), &status, 4);
    return out;
}

Firmware::Firmware(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
                   ContextRegistry& contexts, std::vector<Mailbox*> mailboxes,
                   const FirmwareConfig& config, const tiles::Geometry& geometry,
                   ColumnsOf columns_of, std::uint32_t doorbell_base, std::uint32_t doorbell_stride)
    : sc_core::sc_module(name), pf_dma("pf_dma"), endpoint_(endpoint), contexts_(contexts),
      mailboxes_(std::move(mailboxes)), config_(config), geometry_(geometry),
      columns_of_(std::move(columns_of)), doorbell_base_(doorbell_base),
      doorbell_stride_(doorbell_stride), functions_(mailboxes_.size()) {
    for (unsigned f = 0; f < mailboxes_.size(); ++f) {
        mailboxes_[f]->set_handler([this, f](const MailboxRequest& r) { return handle(f, r); });
    }
    endpoint_.pf().on_reset([this](pcie::ResetKind k) { function_reset(0, k); });
    for (unsigned n = 1; n <= endpoint_.total_vfs() && n < mailboxes_.size(); ++n) {
        endpoint_.vf(n).on_reset([this, n](pcie::ResetKind k) { function_reset(n, k); });
    }
    SC_METHOD(run_due_actions);
    sensitive << wake_;
    dont_initialize();
}

void Firmware::after(sc_core::sc_time delay, std::function<void()> action) {
    due_.emplace(sc_core::sc_time_stamp() + delay, std::move(action));
    wake_.notify(delay);
}

void Firmware::run_due_actions() {
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    while (!due_.empty() && due_.begin()->first <= now) {
        auto action = std::move(due_.begin()->second);
        due_.erase(due_.begin());
        action();
    }
}

MailboxReply Firmware::handle(unsigned function, const MailboxRequest& request) {
    const std::uint32_t opcode = request.header.opcode;
    const mgmt::OpcodeInfo* info = mgmt::find_opcode(opcode);
    const std::uint32_t reply_size = info != nullptr ? info->reply_size : mgmt::kDefaultReplySize;
    AIE4SIM_LOG(info, kLog,
                function_name(function)
                    << " <- " << mgmt::opcode_name(opcode) << " (0x" << std::hex << opcode
                    << ", id 0x" << request.header.id << std::dec << ")");
    if ((request.header.id & mgmt::kIdMagicMask) != mgmt::kIdMagic) {
        AIE4SIM_LOG(warn, kLog,
                    function_name(function)
                        << ": message id 0x" << std::hex << request.header.id << std::dec
                        << " lacks the 0x1D magic; answered anyway");
    }
    if (info != nullptr && request.payload.size() < info->request_size) {
        AIE4SIM_LOG(error, kLog,
                    function_name(function)
                        << ": " << info->name << " with a payload of " << request.payload.size()
                        << " bytes (expected " << info->request_size << "): error status");
        return status_reply(mgmt::kError, reply_size);
    }
    if (function != 0 && mgmt::pf_only(opcode)) {
        AIE4SIM_LOG(warn, kLog,
                    function_name(function)
                        << ": " << mgmt::opcode_name(opcode) << " is a PF-only message: refused");
        return status_reply(mgmt::kError, reply_size);
    }
    if (function == 0 && mgmt::vf_only(opcode)) {
        AIE4SIM_LOG(warn, kLog,
                    "PF: " << mgmt::opcode_name(opcode)
                           << " needs a VF (the PF runs no contexts): refused");
        return status_reply(mgmt::kError, reply_size);
    }
    MailboxReply reply = function == 0 ? handle_pf(request) : handle_vf(function, request);
    if (!reply) {
        return reply;
    }
    if (reply->size() != reply_size && info != nullptr) {
        reply->resize(reply_size, 0); // never break the driver's size check
    }
    std::uint32_t status = 0;
    std::memcpy(&status, reply->data(), 4);
    AIE4SIM_LOG(info, kLog,
                function_name(function)
                    << " -> " << mgmt::opcode_name(opcode) << " status " << status);
    return reply;
}

const std::map<std::uint32_t, Partition>& Firmware::partitions(unsigned function) const {
    return functions_.at(function).partitions;
}

const Partition* Firmware::partition(unsigned function, std::uint32_t id) const {
    const auto& p = functions_.at(function).partitions;
    auto it = p.find(id);
    return it == p.end() ? nullptr : &it->second;
}

void Firmware::clear_function(unsigned function) {
    FunctionState& s = functions_[function];
    contexts_.clear(function);
    s.partitions.clear();
    s.next_partition = 1;
    s.next_context = 1;
}

void Firmware::function_reset(unsigned function, pcie::ResetKind kind) {
    if (function >= functions_.size()) {
        return;
    }
    if (kind == pcie::ResetKind::cold) {
        if (function == 0) {
            stop_firmware();
            status_.powered = false;
        }
        return;
    }
    if (kind == pcie::ResetKind::vf_disable) {
        // The VF's PCIe function is gone; its firmware instance lives until DESTROY_VFS (the
        // driver sends DESTROY_PARTITION first, then disables SR-IOV, then DESTROY_VFS).
        return;
    }
    // Function level reset: this function's firmware state is reset, its mailbox rings and
    // registers too, and mailbox_info is republished once the firmware has recovered.
    FunctionState& s = functions_[function];
    AIE4SIM_LOG(info, kLog,
                function_name(function) << ": function level reset: state cleared, "
                                           "mailbox republished in "
                                        << config_.flr_recovery);
    clear_function(function);
    const bool was_alive = function == 0 ? status_.running : s.alive;
    if (function == 0) {
        // A PF FLR clears VF Enable: the VFs' firmware instances go with it.
        destroy_vfs();
        status_.work_buffer = 0;
        status_.work_buffer_size = 0;
    }
    mailboxes_[function]->reset();
    if (was_alive) {
        const std::uint64_t generation = boot_generation_;
        const std::uint64_t recovery = next_recovery_++;
        s.pending_recovery = recovery;
        // Due after flr_recovery of simulated time, or (free co-simulation) of wall-clock
        // time, whichever comes first: the driver polls for it in its own real time, and a
        // long job elsewhere on the array can hold simulated time back for seconds.
        auto republish = [this, function, generation, recovery] {
            if (function >= functions_.size() ||
                functions_[function].pending_recovery != recovery) {
                return; // done already, or superseded by a later reset
            }
            functions_[function].pending_recovery = 0;
            const bool still = function == 0 ? status_.running : functions_[function].alive;
            if (generation == boot_generation_ && still) {
                mailboxes_[function]->publish(config_.protocol_major, config_.protocol_minor);
            }
        };
        after(config_.flr_recovery, republish);
        if (wall_alarms_ != nullptr) {
            wall_alarms_->schedule(std::chrono::nanoseconds(static_cast<std::int64_t>(
                                       config_.flr_recovery.to_seconds() * 1e9)),
                                   republish);
        }
    }
}

} // namespace aie4sim::models
