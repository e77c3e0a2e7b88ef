#include "pcie/function.h"

#include "common/hex.h"
#include "common/log.h"
#include "common/tlm/transaction.h"
#include "pcie/ari_capability.h"
#include "pcie/bars.h"
#include "pcie/config_regs.h"
#include "pcie/link_timing.h"
#include "pcie/power_management.h"
#include "pcie/tlm_extensions.h"

namespace aie4sim::pcie {

namespace {

constexpr const char* kLog = "pcie";

} // namespace

Function::Function(const sc_core::sc_module_name& name, const FunctionConfig& function_config,
                   FunctionKind kind, unsigned index)
    : sc_core::sc_module(name), config_in("config_in"), dma_in("dma_in"), outbound("outbound"),
      config_(function_config), kind_(kind), index_(index), chain_(space_),
      msix_(function_config.msix) {
    validate_function_config(config_, std::string(this->name()));
    define_header();
    if (config_.power_management) {
        pm_ = install_power_management(chain_, space_);
    }
    express_ = install_express_capability(chain_, space_, config_, kind_,
                                          [this] { reset(ResetKind::function_level); });
    if (config_.msix.vectors != 0) {
        msix_cap_ = msix_.install(chain_, space_);
        msix_.set_sender(
            [this](unsigned vector, const MsiMessage& m) { return send_msi(vector, m); });
    }
    if (config_.ari) {
        ari_ = install_ari_capability(chain_, space_, 0);
    }

    config_in.register_b_transport(this, &Function::config_transport);
    dma_in.register_b_transport(this, &Function::dma_transport);
    for (unsigned i = 0; i < kBarCount; ++i) {
        if (!config_.bars[i].implemented()) {
            continue;
        }
        const std::string n = "bar" + std::to_string(i);
        bar_sockets_[i] = std::make_unique<BarSocket>((n + "_target").c_str());
        bar_sockets_[i]->register_b_transport(this, &Function::bar_transport, static_cast<int>(i));
        app_sockets_[i] = std::make_unique<InitiatorSocket>(("app_" + n).c_str());
    }
}

Function::~Function() = default;

void Function::define_header() {
    const bool vf = kind_ == FunctionKind::virtual_function;
    const FunctionIdentity& id = config_.identity;
    // A VF's Vendor and Device ID read as all-ones; software finds them in the PF's SR-IOV
    // capability (VF Device ID) and the PF's Vendor ID.
    space_.define(reg::kVendorId, 2, vf ? 0xFFFF : id.vendor_id);
    space_.define(reg::kDeviceId, 2, vf ? 0xFFFF : id.device_id);
    // Command: a VF implements only Bus Master Enable; its memory decode follows the PF's VF
    // MSE and it has no INTx.
    const std::uint16_t command_rw =
        vf ? reg::kCommandBusMaster
           : static_cast<std::uint16_t>(reg::kCommandMemorySpace | reg::kCommandBusMaster |
                                        reg::kCommandParityErrorResponse | reg::kCommandSerrEnable |
                                        reg::kCommandInterruptDisable);
    space_.define(reg::kCommand, 2, 0, command_rw);
    space_.define(reg::kStatus, 2, 0, 0,
                  reg::kStatusMasterDataParityError | reg::kStatusSignaledTargetAbort |
                      reg::kStatusReceivedTargetAbort | reg::kStatusReceivedMasterAbort |
                      reg::kStatusSignaledSystemError | reg::kStatusDetectedParityError);
    space_.define(reg::kRevisionId, 1, id.revision);
    space_.define(reg::kClassCode, 3, id.class_code);
    space_.define(reg::kCacheLineSize, 1, 0, vf ? 0 : 0xFF);
    space_.define(reg::kHeaderType, 1, 0x00);
    if (vf) {
        define_bar_registers(space_, reg::kBar0, BarLayout{});
    } else {
        define_bar_registers(space_, reg::kBar0, config_.bars);
    }
    space_.define(reg::kSubsystemVendorId, 2, id.subsystem_vendor_id);
    space_.define(reg::kSubsystemId, 2, id.subsystem_id);
    space_.define(reg::kInterruptLine, 1, 0, vf ? 0 : 0xFF);
}

Function::BarSocket& Function::bar_in(unsigned index) {
    if (index >= kBarCount || !bar_sockets_[index]) {
        throw std::out_of_range(std::string(name()) + ": BAR " + std::to_string(index) +
                                " is not implemented");
    }
    return *bar_sockets_[index];
}

Function::InitiatorSocket& Function::app_bar(unsigned index) {
    if (index >= kBarCount || !app_sockets_[index]) {
        throw std::out_of_range(std::string(name()) + ": BAR " + std::to_string(index) +
                                " is not implemented");
    }
    return *app_sockets_[index];
}

bool Function::memory_enabled() const {
    if (kind_ == FunctionKind::virtual_function) {
        return vf_memory_enable_;
    }
    return (space_.get(reg::kCommand, 2) & reg::kCommandMemorySpace) != 0;
}

bool Function::bus_master_enabled() const {
    return (space_.get(reg::kCommand, 2) & reg::kCommandBusMaster) != 0;
}

bool Function::in_d3hot() const {
    return pm_ != 0 && (space_.get(pm_ + 4, 2) & 3u) == 3u;
}

std::optional<BarHit> Function::decode(std::uint64_t address, unsigned size) const {
    if (kind_ != FunctionKind::physical || !memory_enabled()) {
        return std::nullopt;
    }
    return decode_bars(space_, reg::kBar0, config_.bars, address, size);
}

void Function::refuse(tlm::tlm_generic_payload& trans, const std::string& why) {
    ++counters_.unsupported_requests;
    const auto status = space_.get(express_ + express::kDeviceStatus, 2);
    space_.set(express_ + express::kDeviceStatus, 2, status | express::kDevStaUnsupportedRequest);
    AIE4SIM_LOG(warn, kLog,
                name() << ": unsupported request (" << (trans.is_write() ? "write" : "read")
                       << " of " << trans.get_data_length() << " bytes at "
                       << common::hex(trans.get_address()) << "): " << why);
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void Function::config_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& /*delay*/) {
    const std::uint64_t offset = trans.get_address();
    const unsigned size = trans.get_data_length();
    if (trans.get_byte_enable_ptr() != nullptr || offset >= kConfigSpaceSize ||
        !ConfigSpace::valid_access(static_cast<std::uint32_t>(offset), size)) {
        refuse(trans, "malformed configuration access");
        return;
    }
    auto* data = trans.get_data_ptr();
    const auto off16 = static_cast<std::uint16_t>(offset);
    if (trans.is_read()) {
        ++counters_.config_reads;
        const std::uint32_t v = space_.read(off16, size);
        for (unsigned i = 0; i < size; ++i) {
            data[i] = static_cast<unsigned char>(v >> (8 * i));
        }
    } else if (trans.is_write()) {
        ++counters_.config_writes;
        std::uint32_t v = 0;
        for (unsigned i = 0; i < size; ++i) {
            v |= std::uint32_t{data[i]} << (8 * i);
        }
        AIE4SIM_LOG(trace, kLog,
                    name() << ": config write " << common::hex(offset) << "/" << size << " = "
                           << common::hex(v));
        space_.write(off16, size, v);
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

void Function::bar_transport(int bar, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const auto index = static_cast<unsigned>(bar);
    const std::uint64_t offset = trans.get_address();
    const unsigned size = trans.get_data_length();
    ++counters_.bar_accesses;
    if (!memory_enabled()) {
        refuse(trans, "memory space is disabled");
        return;
    }
    if (in_d3hot()) {
        refuse(trans, "the function is in D3hot");
        return;
    }
    if (size == 0 || offset + size > config_.bars[index].size) {
        refuse(trans, "outside BAR " + std::to_string(index));
        return;
    }
    if (msix_.covers(index, offset, size)) {
        if (trans.get_byte_enable_ptr() != nullptr ||
            !msix_.access(trans.is_write(), index, offset, trans.get_data_ptr(), size)) {
            refuse(trans, "MSI-X table and PBA take aligned DWORD or QWORD accesses only");
            return;
        }
        trans.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    InitiatorSocket& app = *app_sockets_[index];
    if (app.size() == 0) {
        refuse(trans, "no register block behind BAR " + std::to_string(index));
        return;
    }
    app->b_transport(trans, delay);
}

void Function::record_host_error(tlm::tlm_response_status status) {
    // An Unsupported Request completion is a received master abort; any other error
    // completion a received target abort (PCI Local Bus 6.2.3 as mapped by PCIe 7.5.1.1.4).
    const std::uint16_t bit = status == tlm::TLM_ADDRESS_ERROR_RESPONSE
                                  ? reg::kStatusReceivedMasterAbort
                                  : reg::kStatusReceivedTargetAbort;
    space_.set(reg::kStatus, 2, space_.get(reg::kStatus, 2) | bit);
}

void Function::dma_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    ++counters_.dma_requests;
    if (!bus_master_enabled()) {
        ++counters_.dma_blocked;
        AIE4SIM_LOG(error, kLog,
                    name() << ": DMA " << (trans.is_write() ? "write" : "read") << " of "
                           << trans.get_data_length() << " bytes at "
                           << common::hex(trans.get_address())
                           << " blocked: Bus Master Enable is clear");
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    if (outbound.size() == 0) {
        ++counters_.dma_failed;
        AIE4SIM_LOG(error, kLog, name() << ": DMA with no host attached");
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    {
        RequesterExtension requester(index_);
        const tlm_util::ScopedExtension<RequesterExtension> tagged(trans, requester);
        outbound->b_transport(trans, delay);
    }
    if (trans.is_response_ok() && trans.is_write()) {
        delay += posted_write(); // the link's cost; the initiator waits it (transaction.h)
    }
    if (trans.is_response_error()) {
        ++counters_.dma_failed;
        record_host_error(trans.get_response_status());
        AIE4SIM_LOG(warn, kLog,
                    name() << ": DMA " << (trans.is_write() ? "write" : "read") << " at "
                           << common::hex(trans.get_address())
                           << " failed at the host: " << trans.get_response_string());
    }
}

bool Function::send_msi(unsigned vector, const MsiMessage& message) {
    if (!bus_master_enabled()) {
        ++counters_.msi_blocked;
        AIE4SIM_LOG(warn, kLog,
                    name() << ": MSI-X vector " << vector
                           << " not sent: Bus Master Enable is clear");
        return false;
    }
    if (outbound.size() == 0) {
        ++counters_.msi_blocked;
        return false;
    }
    std::array<unsigned char, 4> data{};
    for (unsigned i = 0; i < 4; ++i) {
        data[i] = static_cast<unsigned char>(message.data >> (8 * i));
    }
    RequesterExtension requester(index_);
    MsiExtension msi(vector);
    tlm_util::Transaction trans(true, message.address, data.data(), data.size());
    // Raised from methods as well as threads: the message goes at the current time and the
    // path's annotation is dropped (common/tlm/transaction.h).
    sc_core::sc_time dropped = sc_core::SC_ZERO_TIME;
    if (!trans.with(requester).with(msi).send(outbound, dropped)) {
        ++counters_.msi_blocked;
        record_host_error(trans.payload().get_response_status());
        return false;
    }
    ++counters_.msi_sent;
    AIE4SIM_LOG(trace, kLog, name() << ": MSI-X vector " << vector << " sent");
    if (interrupt_observer_ != nullptr) {
        interrupt_observer_->msix(index_, vector, InterruptObserver::Msix::sent);
    }
    return true;
}

MsixController::Outcome Function::signal_msix(unsigned vector) {
    const auto outcome = msix_.signal(vector);
    if (interrupt_observer_ != nullptr && outcome != MsixController::Outcome::sent) {
        interrupt_observer_->msix(
            index_, vector,
            outcome == MsixController::Outcome::pending    ? InterruptObserver::Msix::pending
            : outcome == MsixController::Outcome::disabled ? InterruptObserver::Msix::disabled
            : outcome == MsixController::Outcome::blocked
                ? InterruptObserver::Msix::blocked
                : InterruptObserver::Msix::invalid_vector);
    }
    if (outcome == MsixController::Outcome::disabled ||
        outcome == MsixController::Outcome::invalid_vector) {
        AIE4SIM_LOG(debug, kLog,
                    name() << ": MSI-X vector " << vector << " dropped: "
                           << (outcome == MsixController::Outcome::disabled ? "MSI-X is disabled"
                                                                            : "no such vector"));
    }
    return outcome;
}

void Function::reset(ResetKind kind) {
    ++counters_.resets;
    space_.reset(kind);
    msix_.reset();
    AIE4SIM_LOG(info, kLog,
                name() << ": "
                       << (kind == ResetKind::cold             ? "cold reset"
                           : kind == ResetKind::function_level ? "function level reset"
                                                               : "reset (VF disabled)"));
    for (const auto& listener : reset_listeners_) {
        listener(kind);
    }
}

void Function::trace(sc_core::sc_trace_file* file, const std::string& prefix) const {
    sc_core::sc_trace(file, counters_.msi_sent, prefix + ".msix_sent");
    sc_core::sc_trace(file, counters_.msi_blocked, prefix + ".msix_blocked");
}

} // namespace aie4sim::pcie
