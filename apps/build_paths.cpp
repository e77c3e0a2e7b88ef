#include "apps/build_paths.h"

#include <cstdlib>

namespace aie4sim::apps {

std::filesystem::path self_executable() {
    return std::filesystem::read_symlink("/proc/self/exe");
}

std::filesystem::path build_directory() {
    if (const char* dir = std::getenv("AIE4SIM_BUILD_DIR")) {
        return std::filesystem::absolute(dir);
    }
    return self_executable().parent_path().parent_path();
}

GuestArtifacts default_guest_artifacts() {
    const std::filesystem::path build = build_directory();
    return GuestArtifacts{build / "qemu" / "qemu-system-x86_64", build / "guest" / "vmlinuz",
                          build / "guest" / "initramfs.cpio.gz"};
}

} // namespace aie4sim::apps
