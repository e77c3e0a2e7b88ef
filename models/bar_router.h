#pragma once
// Splits one BAR into register blocks: each mapped range forwards to its own TLM target with
// offsets relative to the range. An access that falls in no range, or straddles two, completes
// with an address error (the function then reports an Unsupported Request).

#include <cstdint>
#include <memory>
#include <string>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::models {

class BarRouter : public sc_core::sc_module {
public:
    tlm_utils::simple_target_socket<BarRouter> target;

    BarRouter(const sc_core::sc_module_name& name, std::uint64_t size);
    ~BarRouter() override;

    // Returns the socket to bind to the block's target socket.
    tlm_utils::simple_initiator_socket<BarRouter>& map(std::uint64_t offset, std::uint64_t size,
                                                       const std::string& block);

private:
    struct Range {
        std::uint64_t offset;
        std::uint64_t size;
        std::string block;
        std::unique_ptr<tlm_utils::simple_initiator_socket<BarRouter>> socket;
    };
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

    std::uint64_t size_;
    std::vector<Range> ranges_;
};

} // namespace aie4sim::models
