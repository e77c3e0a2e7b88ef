#pragma once
// Where the built artifacts are: the build tree is the parent of the folder holding the
// aie4sim executable (BUILD/apps/aie4sim), unless AIE4SIM_BUILD_DIR says otherwise.

#include <filesystem>

namespace aie4sim::apps {

std::filesystem::path self_executable();
std::filesystem::path build_directory();

struct GuestArtifacts {
    std::filesystem::path qemu;
    std::filesystem::path kernel;
    std::filesystem::path initramfs;
};
GuestArtifacts default_guest_artifacts();

} // namespace aie4sim::apps
