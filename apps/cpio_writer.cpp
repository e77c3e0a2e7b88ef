#include "apps/cpio_writer.h"

#include <cstdio>

namespace aie4sim::apps {

namespace {

void pad4(std::vector<std::uint8_t>& out) {
    while (out.size() % 4 != 0) {
        out.push_back(0);
    }
}

} // namespace

void CpioWriter::entry(const std::string& path, std::uint32_t mode, const std::string& content) {
    char header[111];
    // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
    // rdevminor, namesize, check: 13 fields of 8 hex digits after the 6-byte magic.
    std::snprintf(header, sizeof header,
                  "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", inode_++, mode, 0u,
                  0u, 1u, 0u, static_cast<unsigned>(content.size()), 0u, 0u, 0u, 0u,
                  static_cast<unsigned>(path.size() + 1), 0u);
    out_.insert(out_.end(), header, header + 110);
    out_.insert(out_.end(), path.begin(), path.end());
    out_.push_back(0);
    pad4(out_);
    out_.insert(out_.end(), content.begin(), content.end());
    pad4(out_);
}

void CpioWriter::add_directory(const std::string& path, std::uint32_t mode) {
    entry(path, 0040000u | mode, std::string());
}

void CpioWriter::add_file(const std::string& path, const std::string& content, std::uint32_t mode) {
    entry(path, 0100000u | mode, content);
}

std::vector<std::uint8_t> CpioWriter::finish() {
    entry("TRAILER!!!", 0, std::string());
    return std::move(out_);
}

} // namespace aie4sim::apps
