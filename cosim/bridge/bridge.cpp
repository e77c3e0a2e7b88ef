// The Bridge module: its sockets and the endpoint's listeners, and the serving loop that
// alternates between QEMUs' requests and SystemC time (bridge_dispatch.cpp, bridge_time.cpp).
#include "cosim/bridge/bridge.h"

#include "common/log.h"
#include "cosim/bridge/bridge_detail.h"

#include <mutex>

namespace aie4sim::cosim {

using namespace bridge_detail;

Bridge::Bridge(const sc_core::sc_module_name& name, sriov::Endpoint& endpoint,
               BridgeOptions options)
    : sc_core::sc_module(name), config_out("config_out"), mem_out("mem_out"), host_in("host_in"),
      endpoint_(endpoint), options_(std::move(options)) {
    host_in.register_b_transport(this, &Bridge::host_transport);
    config_out.bind(endpoint_.config_in);
    mem_out.bind(endpoint_.mem_in);
    endpoint_.outbound.bind(host_in);
    endpoint_.on_vf_change([this](bool, unsigned) {
        pending_events_ |= A4S_EV_VFS_CHANGED;
        vfs_changed_ = true;
    });
    endpoint_.pf().on_reset([this](pcie::ResetKind kind) {
        vfs_changed_ = true;
        if (kind == pcie::ResetKind::function_level) {
            pending_events_ |= A4S_EV_FUNCTION_RESET;
        }
    });
    for (unsigned n = 1; n <= endpoint_.total_vfs(); ++n) {
        endpoint_.vf(n).on_reset([this, n](pcie::ResetKind kind) {
            if (kind == pcie::ResetKind::function_level) {
                pending_events_ |= A4S_EV_FUNCTION_RESET;
                vf_flrs_.insert(n);
            }
        });
    }
}

Bridge::~Bridge() = default;

int Bridge::serve(std::unique_ptr<Link> link) {
    if (sc_core::sc_get_status() == sc_core::SC_ELABORATION) {
        sc_core::sc_start(sc_core::SC_ZERO_TIME);
    }
    add_peer(std::move(link));
    int status = 1;
    bool idle = false; // the last wait timed out
    for (;;) {
        if (reap_peers(status)) {
            break;
        }
        take_in_new_peers();
        accept_connections();
        if (serve_round()) {
            idle = false;
            continue;
        }
        if (run_wall_alarms()) {
            continue;
        }
        if (options_.mode == TimeMode::free && sc_core::sc_pending_activity()) {
            idle = false;
            advance_free();
            send_notices();
            continue;
        }
        // After a second without anything, spinning again would only burn CPU. A shorter wait
        // (a wall-clock alarm falls due) that times out says nothing about QEMU.
        const std::chrono::nanoseconds wait = idle_wait();
        wait_for_any(wait, idle);
        idle = wait >= std::chrono::seconds(1);
    }
    end_peers(status == 0 ? "the host QEMU left" : "the model lost its host QEMU");
    // The links' sockets may belong to the caller's io_context: none outlives serving.
    peers_.clear();
    host_ = nullptr;
    {
        const std::lock_guard<std::mutex> lock(adopt_mutex_);
        adopted_.clear();
    }
    return status;
}

} // namespace aie4sim::cosim
