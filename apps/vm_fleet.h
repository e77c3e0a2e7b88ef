#pragma once
// SR-IOV as deployed: one `aie4sim model`, a host VM that owns the PF and enables the VFs, and
// guest VMs that each get one VF passed through (QEMU's aie4sim-vf-guest device, protocol 1.2).
// Starts them in that order, streams every console, and cleans everything up on every exit
// (the VMs end, a timeout, a signal, any process dying).

#include "apps/build_paths.h"
#include "apps/guest_launcher.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace aie4sim::apps {

struct FleetGuest {
    unsigned vf = 1;    // the VF passed through to this VM
    std::string script; // its payload, run as root after boot
    std::vector<PayloadFile> files;
};

struct FleetOptions {
    std::filesystem::path model_executable; // default: the build tree's aie4sim
    std::string config_file;
    std::string model_log_spec = "info";
    std::filesystem::path model_log; // default: in the run folder
    std::vector<std::string> model_args;
    // Where the model listens: empty for a UNIX socket in the run folder (shared-memory rings),
    // or tcp:HOST:PORT (every QEMU connects there; messages over the socket only).
    std::string listen;
    unsigned vfs = 2;        // VFs the host enables (and leaves unbound, for passthrough)
    std::string host_script; // runs in the host VM once the VFs exist
    std::vector<FleetGuest> guests;
    unsigned host_memory_mb = 1024;
    unsigned guest_memory_mb = 768;
    // Reserved in each guest for its VF's carveout (the driver needs one without a PASID).
    std::string guest_carveout = "0x8000000@0x20000000";
    unsigned timeout_s = 900;
    // A guest VM whose VF is held by another VM waits this long for it (it takes the VF over
    // when that VM ends).
    unsigned attach_wait_s = 300;
    bool echo_console = false;
    // Every console line: vm 0 is the host, k the k-th guest (1-based).
    std::function<void(unsigned vm, const std::string& line)> on_console_line;
    GuestArtifacts artifacts = default_guest_artifacts();
};

struct FleetResult {
    int status = kExitInfrastructure; // 0 when every VM's script succeeded
    int host_status = -1;             // the host script's status (-1: none reported)
    std::vector<int> guest_status;    // each guest script's status (-1: none reported)
};

FleetResult run_fleet(const FleetOptions& options);

// The host VM's payload: loads amdxdna, enables `vfs` VFs with driver autoprobe off (the VFs
// stay unbound, for passthrough), prints AIE4SIM-HOST-READY, runs `then`, and stays up.
std::string fleet_host_script(unsigned vfs, const std::string& then);
// The start of a guest VM's payload: loads amdxdna (it binds the passed-through VF), gives the
// VF its carveout, and sets $bdf to the VF's address in this VM.
std::string fleet_guest_prologue();

} // namespace aie4sim::apps
