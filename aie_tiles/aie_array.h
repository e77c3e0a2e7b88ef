#pragma once
// The AIE4 tile array: the interface the device layer above uses. It knows nothing of PCIe:
//
//   control   TLM target: register and memory accesses at array-relative tile addresses
//             (column 0 = the array's first column; geometry.h for the row encoding).
//             Unmapped addresses answer TLM_ADDRESS_ERROR_RESPONSE; every access is annotated
//             with the control-path cost (timing table control_access_cycles per word).
//   host      TLM initiator: shim DMA reads/writes of host memory at 64-bit bus addresses,
//             each carrying a HostRequesterExtension with the owning column's tag. An error
//             response halts the DMA channel (status + error log); nothing crashes.
//   set_column_owner / reset_columns / error queries: plain C++ calls (below).
//
// Register map, DMA, locks, stream switch and cores: docs/aie_tiles.md.

#include "aie_tiles/array_config.h"
#include "aie_tiles/array_context.h"
#include "aie_tiles/array_services.h"
#include "aie_tiles/format/register_map.h"
#include "aie_tiles/host_requester_extension.h"
#include "aie_tiles/tile.h"

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <vector>

namespace aie4sim::tiles {

class AieArray : public sc_core::sc_module, private ArrayServices {
public:
    tlm_utils::simple_target_socket_optional<AieArray> control;
    tlm_utils::simple_initiator_socket<AieArray> host;

    AieArray(const sc_core::sc_module_name& name, const ArrayConfig& config);
    ~AieArray() override;

    [[nodiscard]] const ArrayConfig& config() const { return context_.config(); }
    [[nodiscard]] const Geometry& geometry() const { return context_.geometry(); }
    ArrayContext& context() { return context_; }

    // Tag attached to the shim DMA transactions of column `col` (default 0).
    void set_column_owner(unsigned col, std::uint32_t tag);
    [[nodiscard]] std::uint32_t column_owner(unsigned col) const;

    // Returns columns [first, first + count) to reset state: locks 0, DMA queues and BDs
    // cleared, channels and cores stopped, stream switch unconfigured, memories zeroed, the
    // columns' error logs cleared. Owner tags are kept. Call from any context.
    void reset_columns(unsigned first, unsigned count);

    // Errors: a DMA channel halted, a core stopped, a bad register value... per column.
    [[nodiscard]] std::uint64_t error_count(unsigned col) const {
        return context_.error_count(col); // monotonic, survives resets
    }
    [[nodiscard]] std::uint64_t active_error_count(unsigned col) const {
        return context_.active_error_count(col); // since the column's last reset
    }
    [[nodiscard]] std::vector<ArrayError> errors(unsigned col) const {
        return context_.errors(col);
    }
    [[nodiscard]] const sc_core::sc_event& error_event() const { return context_.error_event(); }

    // Direct access with the socket's decoding but no delay (control-code runner, tests).
    AccessStatus read(std::uint64_t address, std::uint8_t* data, std::uint32_t length);
    AccessStatus write(std::uint64_t address, const std::uint8_t* data, std::uint32_t length);
    bool read32(std::uint64_t address, std::uint32_t& value);
    bool write32(std::uint64_t address, std::uint32_t value);

    // Task-completion tokens of one channel not yet consumed by a WAIT_TCTS.
    [[nodiscard]] bool has_channel(unsigned col, unsigned row, DmaDir dir, unsigned ch) const;
    [[nodiscard]] std::uint64_t tokens_available(unsigned col, unsigned row, DmaDir dir,
                                                 unsigned ch);
    void consume_tokens(unsigned col, unsigned row, DmaDir dir, unsigned ch, std::uint64_t n);
    [[nodiscard]] const sc_core::sc_event& token_event() const { return context_.token_event(); }

    Tile& tile(unsigned col, unsigned row) { return *tiles_[col * geometry().rows() + row]; }
    // Bytes of tile memory actually allocated (memories are allocated lazily).
    [[nodiscard]] std::size_t resident_bytes() const;

    // Adds the signals a hardware engineer looks at to a waveform, under `prefix`: each
    // column's owner tag, and per tile its locks, DMA channel states and core state
    // (`prefix`.cC_rR.lockN, .s2mm0.running, .core.in_kernel, ...). Call before the
    // simulation starts.
    void trace(sc_core::sc_trace_file* file, const std::string& prefix);
    // sc_object's own one-argument trace stays visible (clang's -Woverloaded-virtual).
    using sc_core::sc_object::trace;

private:
    void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
    unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
    AccessStatus access(bool write, std::uint64_t address, std::uint8_t* data,
                        std::uint32_t length);

    RouteResult route(unsigned col, unsigned row, unsigned mm2s_channel, bool packet,
                      unsigned packet_id) override;
    StreamInbox& inbox(unsigned col, unsigned row, unsigned s2mm_channel) override;
    bool host_access(unsigned col, bool write, std::uint64_t address, std::uint8_t* data,
                     std::uint32_t length, sc_core::sc_time& delay, std::string& error) override;

    ArrayContext context_;
    std::vector<std::unique_ptr<Tile>> tiles_;
    std::vector<std::uint32_t> owners_;
};

} // namespace aie4sim::tiles
