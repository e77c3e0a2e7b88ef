#include "sriov/endpoint.h"

#include "common/log.h"
#include "pcie/bars.h"

namespace aie4sim::sriov {

namespace {
constexpr const char* kLog = "sriov";

const char* kind_of(const tlm::tlm_generic_payload& t) {
    return t.is_write() ? "write" : "read";
}

std::string function_name(unsigned index) {
    return index == 0 ? std::string("PF") : "VF" + std::to_string(index);
}
} // namespace

Endpoint::Endpoint(const sc_core::sc_module_name& name, const pcie::FunctionConfig& pf,
                   const SriovConfig& sriov)
    : sc_core::sc_module(name), config_in("config_in"), mem_in("mem_in"), outbound("outbound"),
      to_config_("to_config"), to_bars_("to_bars"), merge_("merge") {
    pcie::FunctionConfig pf_config = pf;
    pf_config.ari = true; // SR-IOV with more than 7 VFs needs ARI; the PF advertises it
    pf_ = std::make_unique<pcie::Function>("pf", pf_config, pcie::FunctionKind::physical, 0);
    sriov_ = std::make_unique<SriovCapability>(*pf_, sriov);
    const pcie::FunctionConfig vf_config = vf_function_config(sriov, pf_config);
    for (unsigned n = 1; n <= sriov.total_vfs; ++n) {
        vfs_.push_back(std::make_unique<pcie::Function>(("vf" + std::to_string(n)).c_str(),
                                                        vf_config,
                                                        pcie::FunctionKind::virtual_function, n));
    }
    config_in.register_b_transport(this, &Endpoint::config_transport);
    mem_in.register_b_transport(this, &Endpoint::mem_transport);
    merge_.register_b_transport(this, &Endpoint::outbound_transport);
    int next_bar_port = 0;
    auto connect = [this, &next_bar_port](pcie::Function& f) {
        to_config_.bind(f.config_in);
        std::array<int, pcie::kBarCount> ports{};
        for (unsigned bar = 0; bar < pcie::kBarCount; ++bar) {
            ports[bar] = -1;
            if (f.function_config().bars[bar].implemented()) {
                ports[bar] = next_bar_port++;
                to_bars_.bind(f.bar_in(bar));
            }
        }
        bar_port_.push_back(ports);
        f.outbound.bind(merge_);
    };
    connect(*pf_); // index 0, then VF n at index n
    for (auto& vf : vfs_) {
        connect(*vf);
    }
    sriov_->on_enable_change([this](bool on, unsigned n) { vfs_changed(on, n); });
    sriov_->on_mse_change([this](bool on) {
        for (auto& vf : vfs_) {
            vf->set_vf_memory_enable(on);
        }
    });
}

Endpoint::~Endpoint() = default;

pcie::Function& Endpoint::vf(unsigned n) {
    if (n == 0 || n > vfs_.size()) {
        throw std::out_of_range("no VF " + std::to_string(n));
    }
    return *vfs_[n - 1];
}

bool Endpoint::vf_present(unsigned n) const {
    return n >= 1 && n <= live_vfs_;
}

pcie::Function* Endpoint::function(unsigned index) {
    if (index == 0) {
        return pf_.get();
    }
    return vf_present(index) ? vfs_[index - 1].get() : nullptr;
}

std::optional<unsigned> Endpoint::function_at_routing_offset(unsigned offset) const {
    if (offset == 0) {
        return 0u;
    }
    for (unsigned n = 1; n <= live_vfs_; ++n) {
        if (sriov_->routing_offset(n) == offset) {
            return n;
        }
    }
    return std::nullopt;
}

void Endpoint::vfs_changed(bool enabled, unsigned num_vfs) {
    // VFs that go away are reset (SR-IOV 3.3.3.1: clearing VF Enable resets the VFs); new
    // VFs start from their reset state.
    for (unsigned n = 1; n <= live_vfs_; ++n) {
        vfs_[n - 1]->reset(pcie::ResetKind::vf_disable);
    }
    live_vfs_ = enabled ? std::min<unsigned>(num_vfs, total_vfs()) : 0;
    for (auto& vf : vfs_) {
        vf->set_vf_memory_enable(sriov_->vf_memory_enabled());
    }
    for (const auto& l : vf_listeners_) {
        l(enabled, live_vfs_);
    }
}

void Endpoint::cold_reset() {
    pf_->reset(pcie::ResetKind::cold);
    for (auto& vf : vfs_) {
        vf->reset(pcie::ResetKind::cold);
    }
}

void Endpoint::config_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    const auto index = static_cast<unsigned>(address >> kFunctionShift);
    pcie::Function* f = (address >> kFunctionShift) <= total_vfs() ? function(index) : nullptr;
    if (f == nullptr) {
        AIE4SIM_LOG(debug, kLog,
                    "config " << kind_of(trans) << " to absent function " << index
                              << ": Unsupported Request");
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    trans.set_address(address & ((1u << kFunctionShift) - 1));
    to_config_[static_cast<int>(index)]->b_transport(trans, delay);
    trans.set_address(address);
}

std::optional<MemoryRoute> Endpoint::route(std::uint64_t address, unsigned size) const {
    if (auto hit = pf_->decode(address, size)) {
        return MemoryRoute{0, hit->bar, hit->offset};
    }
    if (auto hit = sriov_->decode(address, size)) {
        return MemoryRoute{hit->vf, hit->bar, hit->offset};
    }
    return std::nullopt;
}

void Endpoint::mem_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    const std::uint64_t address = trans.get_address();
    const unsigned size = trans.get_data_length();
    auto r = route(address, size);
    if (!r) {
        AIE4SIM_LOG(warn, kLog,
                    "memory " << kind_of(trans) << " of " << size << " bytes at 0x" << std::hex
                              << address << std::dec
                              << " is in no enabled BAR: Unsupported Request");
        trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    AIE4SIM_LOG(debug, kLog,
                function_name(r->function)
                    << " BAR" << r->bar << " +0x" << std::hex << r->offset << std::dec << " "
                    << kind_of(trans) << " " << size << " bytes (bus address 0x" << std::hex
                    << address << std::dec << ")");
    trans.set_address(r->offset);
    to_bars_[bar_port_.at(r->function).at(r->bar)]->b_transport(trans, delay);
    trans.set_address(address);
}

void Endpoint::outbound_transport(int /*id*/, tlm::tlm_generic_payload& trans,
                                  sc_core::sc_time& delay) {
    if (outbound.size() == 0) {
        trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    outbound->b_transport(trans, delay);
}

} // namespace aie4sim::sriov
