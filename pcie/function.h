#pragma once
// One PCIe function (a PF, or a VF of an SR-IOV device) as a SystemC module:
//   config_in    TLM target for configuration requests (address = register offset);
//   bar_in(i)    TLM target for memory requests already decoded to BAR i (address = offset);
//   app_bar(i)   TLM initiator to the device's register block behind BAR i;
//   dma_in       TLM target where the device issues its outbound requests (DMA);
//   outbound     TLM initiator towards the host: DMA and MSI-X messages, tagged with a
//                RequesterExtension (and an MsiExtension for interrupts).
// The function owns its configuration space and capabilities, gates BAR decode on Memory
// Space Enable and outbound traffic on Bus Master Enable, and implements Function Level Reset.

#include "pcie/capability_chain.h"
#include "pcie/config_space.h"
#include "pcie/express_capability.h"
#include "pcie/function_config.h"
#include "pcie/interrupt_observer.h"
#include "pcie/msix.h"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::pcie {

struct BarHit;

struct FunctionCounters {
    std::uint64_t config_reads = 0;
    std::uint64_t config_writes = 0;
    std::uint64_t bar_accesses = 0;
    std::uint64_t unsupported_requests = 0; // malformed or undecodable requests refused
    std::uint64_t dma_requests = 0;
    std::uint64_t dma_blocked = 0; // Bus Master Enable clear
    std::uint64_t dma_failed = 0;  // the host answered with an error
    std::uint64_t msi_sent = 0;
    std::uint64_t msi_blocked = 0;
    std::uint64_t resets = 0;
};

class Function : public sc_core::sc_module {
public:
    using TargetSocket = tlm_utils::simple_target_socket_optional<Function>;
    using BarSocket = tlm_utils::simple_target_socket_tagged_optional<Function>;
    using InitiatorSocket = tlm_utils::simple_initiator_socket_optional<Function>;
    using ResetListener = std::function<void(ResetKind)>;

    TargetSocket config_in;
    TargetSocket dma_in;
    InitiatorSocket outbound;

    // `index`: 0 for a PF, n for VF n. A VF's BAR sizes come from the PF's SR-IOV capability
    // and its FunctionConfig carries them; its BAR registers read as 0.
    Function(const sc_core::sc_module_name& name, const FunctionConfig& function_config,
             FunctionKind kind, unsigned index);
    ~Function() override;

    BarSocket& bar_in(unsigned index);
    InitiatorSocket& app_bar(unsigned index);

    [[nodiscard]] unsigned index() const { return index_; }
    [[nodiscard]] FunctionKind function_kind() const { return kind_; }
    [[nodiscard]] const FunctionConfig& function_config() const { return config_; }
    [[nodiscard]] ConfigSpace& config_space() { return space_; }
    [[nodiscard]] const ConfigSpace& config_space() const { return space_; }
    [[nodiscard]] CapabilityChain& capability_chain() { return chain_; }
    [[nodiscard]] const FunctionCounters& counters() const { return counters_; }

    [[nodiscard]] std::uint16_t express_offset() const { return express_; }
    [[nodiscard]] std::uint16_t msix_offset() const { return msix_cap_; }
    [[nodiscard]] std::uint16_t power_management_offset() const { return pm_; }
    [[nodiscard]] std::uint16_t ari_offset() const { return ari_; }

    [[nodiscard]] bool memory_enabled() const;
    [[nodiscard]] bool bus_master_enabled() const;
    [[nodiscard]] bool in_d3hot() const;
    // A VF decodes memory when its PF's VF Memory Space Enable is set.
    void set_vf_memory_enable(bool on) { vf_memory_enable_ = on; }

    // This function's own BARs (a PF's type-0 BARs), gated by Memory Space Enable.
    [[nodiscard]] std::optional<BarHit> decode(std::uint64_t address, unsigned size) const;

    // The device behind the function raises MSI-X vector `vector`.
    MsixController::Outcome signal_msix(unsigned vector);
    [[nodiscard]] const MsixController& msix() const { return msix_; }
    // Who watches the function's interrupts (timelines); null when nobody does.
    void set_interrupt_observer(InterruptObserver* observer) { interrupt_observer_ = observer; }
    // Adds the MSI-X messages sent and blocked so far to a waveform (`prefix`.msix_sent, ...).
    void trace(sc_core::sc_trace_file* file, const std::string& prefix) const;
    // sc_object's own one-argument trace stays visible (clang's -Woverloaded-virtual).
    using sc_core::sc_object::trace;

    void on_reset(ResetListener listener) { reset_listeners_.push_back(std::move(listener)); }
    // Resets the function's registers and state and tells the device behind it.
    void reset(ResetKind kind);

private:
    void config_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void bar_transport(int bar, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void dma_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    bool send_msi(unsigned vector, const MsiMessage& message);
    void define_header();
    void refuse(tlm::tlm_generic_payload& trans, const std::string& why);
    void record_host_error(tlm::tlm_response_status status);

    FunctionConfig config_;
    FunctionKind kind_;
    unsigned index_;
    ConfigSpace space_;
    CapabilityChain chain_;
    MsixController msix_;
    std::uint16_t express_ = 0;
    std::uint16_t msix_cap_ = 0;
    std::uint16_t pm_ = 0;
    std::uint16_t ari_ = 0;
    bool vf_memory_enable_ = false;
    FunctionCounters counters_;
    std::array<std::unique_ptr<BarSocket>, kBarCount> bar_sockets_;
    std::array<std::unique_ptr<InitiatorSocket>, kBarCount> app_sockets_;
    std::vector<ResetListener> reset_listeners_;
    InterruptObserver* interrupt_observer_ = nullptr;
};

} // namespace aie4sim::pcie
