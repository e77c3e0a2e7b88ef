// Layout: what QEMU needs to mirror the device (IDs, capability offsets, BARs of the PF and the
// VFs), read from the endpoint's configuration once at start.
#include "cosim/bridge/bridge.h"
#include "cosim/bridge/bridge_detail.h"

namespace aie4sim::cosim {

using namespace bridge_detail;

void Bridge::on_layout(Peer& p, const Message& m) {
    a4s_layout out{};
    const pcie::Function& pf = endpoint_.pf();
    const pcie::FunctionConfig& pfc = pf.function_config();
    const sriov::SriovCapability& sr = endpoint_.sriov();
    out.vendor_id = pfc.identity.vendor_id;
    out.device_id = pfc.identity.device_id;
    out.vf_device_id = sr.config().vf_device_id;
    out.total_vfs = static_cast<std::uint16_t>(endpoint_.total_vfs());
    out.express_offset = pf.express_offset();
    out.msix_offset = pf.msix_offset();
    out.ari_offset = pf.ari_offset();
    out.sriov_offset = sr.offset();
    out.first_vf_offset = sr.first_vf_offset();
    out.vf_stride = sr.vf_stride();
    if (endpoint_.total_vfs() > 0) {
        out.vf_express_offset = endpoint_.vf(1).express_offset();
        out.vf_ari_offset = endpoint_.vf(1).ari_offset();
    }
    out.class_code = pfc.identity.class_code;
    out.supported_page_sizes = sr.config().supported_page_sizes;
    for (unsigned i = 0; i < pcie::kBarCount; ++i) {
        auto describe_bar = [](const pcie::BarConfig& b, std::uint64_t size, a4s_bar& o) {
            if (!b.implemented()) {
                return;
            }
            o.size = size;
            o.flags = A4S_BAR_IMPLEMENTED | (b.is_64bit ? A4S_BAR_64BIT : 0) |
                      (b.prefetchable ? A4S_BAR_PREFETCH : 0);
        };
        describe_bar(pfc.bars[i], pfc.bars[i].size, out.pf_bars[i]);
        describe_bar(sr.config().vf.bars[i], sr.vf_bar_size(i), out.vf_bars[i]);
    }
    reply(p, m, A4S_OK, &out, sizeof out);
}

} // namespace aie4sim::cosim
