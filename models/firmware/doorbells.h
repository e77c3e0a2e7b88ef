#pragma once
// The doorbell pages of a function's BAR2: one 4 KiB page per hardware context, which user
// space maps and writes to say "there is work in the queue". Any 32-bit write rings; the value
// is passed on (the 7.3.4 driver defines none; our test programs write the new write_index).

#include <cstdint>
#include <functional>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

namespace aie4sim::models {

class Doorbells : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<Doorbells> target;
    // offset: from the start of the BAR (not of this block)
    using Ring = std::function<void(std::uint32_t bar_offset, std::uint32_t value)>;

    Doorbells(const sc_core::sc_module_name& name, std::uint32_t bar_offset);
    void on_ring(Ring ring) { ring_ = std::move(ring); }
    [[nodiscard]] std::uint64_t rings() const { return rings_; }

private:
    void transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    std::uint32_t bar_offset_;
    Ring ring_;
    std::uint64_t rings_ = 0;
};

} // namespace aie4sim::models
