#pragma once
// Writes a cpio archive in the "newc" format the Linux initramfs loader reads. Hand-written:
// the format is 110 bytes of ASCII header per entry, and pulling in libarchive for the one
// small archive a guest run appends (its payload script) was not worth a dependency.

#include <cstdint>
#include <string>
#include <vector>

namespace aie4sim::apps {

class CpioWriter {
public:
    void add_directory(const std::string& path, std::uint32_t mode = 0755);
    void add_file(const std::string& path, const std::string& content, std::uint32_t mode = 0755);
    // Appends the trailer; the archive is then complete.
    std::vector<std::uint8_t> finish();

private:
    void entry(const std::string& path, std::uint32_t mode, const std::string& content);
    std::vector<std::uint8_t> out_;
    std::uint32_t inode_ = 1;
};

} // namespace aie4sim::apps
