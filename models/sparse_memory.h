#pragma once
// Device memory (a BAR's SRAM) that only costs host memory for the pages written: a device
// with 16 VFs of 512 KiB SRAM each stays small when most of it is never touched. Reads of
// untouched bytes return 0.

#include <array>
#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>
#include <unordered_map>

namespace aie4sim::models {

class SparseMemory : public sc_core::sc_module {
public:
    static constexpr std::uint64_t kPageSize = 4096;
    tlm_utils::simple_target_socket_optional<SparseMemory> target;

    SparseMemory(const sc_core::sc_module_name& name, std::uint64_t size);

    // Device-side access (the firmware model reads and writes its own SRAM directly).
    void read(std::uint64_t offset, void* out, std::size_t size) const;
    void write(std::uint64_t offset, const void* in, std::size_t size);
    std::uint32_t read32(std::uint64_t offset) const;
    void write32(std::uint64_t offset, std::uint32_t value);
    void clear();

    [[nodiscard]] std::uint64_t size() const { return size_; }
    [[nodiscard]] std::size_t resident_pages() const { return pages_.size(); }

private:
    using Page = std::array<std::uint8_t, kPageSize>;
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    std::uint64_t size_;
    std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
};

} // namespace aie4sim::models
