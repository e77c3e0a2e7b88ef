#pragma once
// An SR-IOV capable PCIe device as its upstream port sees it: one PF and up to TotalVFs VFs.
//   config_in   configuration requests; address = (function index << 12) | register offset,
//               function index 0 for the PF and n for VF n. A VF that does not exist (VF
//               Enable clear, or n > NumVFs) answers Unsupported Request.
//   mem_in      memory requests by bus address: the PF's BARs (Memory Space Enable) and the
//               VF BAR apertures of the SR-IOV capability (VF Enable and VF MSE) are decoded
//               here; an address no enabled BAR claims completes with an error response.
//   outbound    the DMA and MSI-X traffic of every function, tagged with its requester.

#include "pcie/function.h"
#include "sriov/sriov_capability.h"
#include "sriov/sriov_config.h"

#include <array>
#include <functional>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::sriov {

inline constexpr unsigned kFunctionShift = 12;

// Where a memory request landed, for logs and tests.
struct MemoryRoute {
    unsigned function = 0; // 0 = PF, n = VF n
    unsigned bar = 0;
    std::uint64_t offset = 0;
};

class Endpoint : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket_optional<Endpoint> config_in;
    tlm_utils::simple_target_socket_optional<Endpoint> mem_in;
    tlm_utils::simple_initiator_socket_optional<Endpoint> outbound;

    using VfListener = std::function<void(bool enabled, unsigned num_vfs)>;

    Endpoint(const sc_core::sc_module_name& name, const pcie::FunctionConfig& pf,
             const SriovConfig& sriov);
    ~Endpoint() override;

    [[nodiscard]] pcie::Function& pf() { return *pf_; }
    [[nodiscard]] const pcie::Function& pf() const { return *pf_; }
    [[nodiscard]] pcie::Function& vf(unsigned n); // 1-based, any of TotalVFs
    [[nodiscard]] unsigned total_vfs() const { return static_cast<unsigned>(vfs_.size()); }
    [[nodiscard]] SriovCapability& sriov() { return *sriov_; }
    [[nodiscard]] const SriovCapability& sriov() const { return *sriov_; }
    // The function a configuration request addresses, or nullptr if it does not exist now.
    [[nodiscard]] pcie::Function* function(unsigned index);
    [[nodiscard]] bool vf_present(unsigned n) const;
    // The function at a routing-ID offset from the PF (what a config request's bus/devfn
    // names), or nothing.
    [[nodiscard]] std::optional<unsigned> function_at_routing_offset(unsigned offset) const;

    [[nodiscard]] std::optional<MemoryRoute> route(std::uint64_t address, unsigned size) const;

    void on_vf_change(VfListener l) { vf_listeners_.push_back(std::move(l)); }
    // System reset: every function back to its power-on state, VFs gone.
    void cold_reset();

private:
    void config_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void mem_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void outbound_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    void vfs_changed(bool enabled, unsigned num_vfs);

    std::unique_ptr<pcie::Function> pf_;
    std::unique_ptr<SriovCapability> sriov_;
    std::vector<std::unique_ptr<pcie::Function>> vfs_;
    // Towards the functions, bound at construction: to_config_[n] is function n's config_in,
    // to_bars_[bar_port_[n][i]] its bar_in(i) (-1: BAR i not implemented). Requests go
    // through them, as on a bus.
    tlm_utils::multi_passthrough_initiator_socket<Endpoint> to_config_;
    tlm_utils::multi_passthrough_initiator_socket<Endpoint> to_bars_;
    std::vector<std::array<int, pcie::kBarCount>> bar_port_;
    tlm_utils::multi_passthrough_target_socket<Endpoint> merge_;
    std::vector<VfListener> vf_listeners_;
    unsigned live_vfs_ = 0;
};

} // namespace aie4sim::sriov
