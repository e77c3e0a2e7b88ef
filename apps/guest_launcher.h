#pragma once
// Runs one guest against the model: starts `aie4sim model` and QEMU with the aie4sim device,
// boots the guest image with a payload script, streams the guest console, and returns the
// script's exit status. Both processes are cleaned up on every exit path (the guest ends, a
// timeout, Ctrl-C, either process dying); a failure says which side failed.

#include "apps/build_paths.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace aie4sim::apps {

enum class GuestTime { free, lockstep, deterministic };

// A host file the guest gets at /aie4sim/files/NAME (for example a workload's ELF and layout).
struct PayloadFile {
    std::filesystem::path host;
    std::string name; // a plain file name, unique among the run's files
};

struct GuestOptions {
    // The aie4sim executable that runs the model (`aie4sim model`); default: the build tree's.
    std::filesystem::path model_executable;
    std::string config_file;
    std::string script; // the payload: shell commands run as root after boot
    std::vector<PayloadFile> files;
    GuestTime time = GuestTime::free;
    std::uint64_t quantum_ns = 100000;
    unsigned timeout_s = 900;
    std::string model_log_spec = "info";
    std::filesystem::path model_log; // keep the model's log here (default: in the run folder)
    std::filesystem::path run_dir;   // default: a new folder under $TMPDIR
    bool keep_run_dir = false;
    unsigned memory_mb = 2048;
    unsigned cpus = 1;  // see vcpus_for_vfs
    bool iommu = false; // a virtual Intel IOMMU in front of the PCI devices
    // Guest memory the kernel leaves alone, for the driver's carveouts ("SIZE@ADDR", empty for
    // none): reserved with memmap= and announced as aie4sim.carveout= for aie4sim-setup-vfs.
    std::string carveout = "0x10000000@0x60000000";
    std::string kernel_args;
    std::vector<std::string> qemu_args;
    std::vector<std::string> model_args;
    bool echo_console = true;
    // Called with every line of the guest console (and QEMU's own messages), in order.
    std::function<void(const std::string&)> on_console_line;
    GuestArtifacts artifacts = default_guest_artifacts();
};

// Exit statuses of the launcher itself, apart from the guest script's own status.
inline constexpr int kExitTimeout = 124;
inline constexpr int kExitInfrastructure = 125; // the model or QEMU failed
inline constexpr int kExitInterrupted = 130;
// The model's own status when QEMU went away without saying goodbye (cosim::kExitPeerLost):
// then QEMU ended first, and the launcher says so instead of blaming the model.
inline constexpr int kModelExitPeerLost = 3;

int run_guest(const GuestOptions& options);

// Enough guest vCPUs for the interrupt vectors of `vfs` bound VFs. Linux gives each CPU about
// 200 device vectors on x86; the driver takes one per VF for its mailbox and one per hardware
// context, so with one vCPU only 193 of 255 VFs could bind. Two vectors per VF, 150 per CPU.
unsigned vcpus_for_vfs(unsigned vfs);

// The guest image with `script` appended as /aie4sim/payload.sh and `files` in /aie4sim/files/,
// written to `out`. Throws std::invalid_argument for a bad or duplicate name, and
// std::runtime_error for a file that cannot be read.
void make_guest_initrd(const std::filesystem::path& initramfs, const std::string& script,
                       const std::filesystem::path& out,
                       const std::vector<PayloadFile>& files = {});

// "HOST[:NAME]" (NAME defaults to HOST's file name) as a PayloadFile; throws
// std::invalid_argument when NAME is not a plain file name or HOST is missing.
PayloadFile parse_payload_file(const std::string& spec);

// The QEMU options every guest run here shares: a headless TCG machine with no network and
// its console on stdio, booting `kernel` and `initrd` with the command line `append`.
std::vector<std::string> headless_guest_arguments(const std::string& machine, unsigned memory_mb,
                                                  unsigned cpus,
                                                  const std::filesystem::path& kernel,
                                                  const std::filesystem::path& initrd,
                                                  const std::string& append);

// The last `lines` lines of a text file, each indented by four spaces: what a failure message
// quotes of a log.
std::string tail_of(const std::filesystem::path& file, std::size_t lines);

} // namespace aie4sim::apps
