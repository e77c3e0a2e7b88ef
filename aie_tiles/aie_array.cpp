#include "aie_tiles/aie_array.h"

#include "aie_tiles/core_model.h"
#include "aie_tiles/dma_channel.h"
#include "aie_tiles/stream_inbox.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/tlm/transaction.h"

#include <cstring>

namespace aie4sim::tiles {

AieArray::AieArray(const sc_core::sc_module_name& name, const ArrayConfig& config)
    : sc_core::sc_module(name), control("control"), host("host"), context_(config),
      owners_(config.geometry.columns, 0) {
    const Geometry& g = context_.geometry();
    ArrayServices& services = *this; // private base: convert here, where it is accessible
    for (unsigned col = 0; col < g.columns; ++col) {
        for (unsigned row = 0; row < g.rows(); ++row) {
            tiles_.push_back(std::make_unique<Tile>(context_, services, col, row));
        }
    }
    for (auto& t : tiles_) {
        t->spawn();
    }
    control.register_b_transport(this, &AieArray::b_transport);
    control.register_transport_dbg(this, &AieArray::transport_dbg);
}

AieArray::~AieArray() = default;

void AieArray::set_column_owner(unsigned col, std::uint32_t tag) {
    if (col < owners_.size()) {
        owners_[col] = tag;
    }
}

std::uint32_t AieArray::column_owner(unsigned col) const {
    return col < owners_.size() ? owners_[col] : 0;
}

void AieArray::reset_columns(unsigned first, unsigned count) {
    const Geometry& g = geometry();
    for (unsigned col = first; col < first + count && col < g.columns; ++col) {
        for (unsigned row = 0; row < g.rows(); ++row) {
            tile(col, row).reset();
        }
        context_.clear_errors(col);
    }
    AIE4SIM_LOG(info, "aie", "columns " << first << ".." << first + count - 1 << " reset");
}

AccessStatus AieArray::access(bool is_write, std::uint64_t address, std::uint8_t* data,
                              std::uint32_t length) {
    const auto d = decode_address(geometry(), address);
    if (!d || length == 0) {
        return AccessStatus::unmapped;
    }
    if (std::uint64_t{d->offset} + length > geometry().window_size(d->row)) {
        return AccessStatus::unmapped; // crosses into the next tile
    }
    Tile& t = tile(d->col, d->row);
    return is_write ? t.write(d->offset, data, length) : t.read(d->offset, data, length);
}

AccessStatus AieArray::read(std::uint64_t address, std::uint8_t* data, std::uint32_t length) {
    return access(false, address, data, length);
}

AccessStatus AieArray::write(std::uint64_t address, const std::uint8_t* data,
                             std::uint32_t length) {
    // Tile::write does not modify the buffer; access() shares one signature for both ways.
    return access(true, address, const_cast<std::uint8_t*>(data), length);
}

bool AieArray::read32(std::uint64_t address, std::uint32_t& value) {
    std::uint8_t bytes[4] = {};
    if (read(address, bytes, 4) != AccessStatus::ok) {
        return false;
    }
    std::memcpy(&value, bytes, 4);
    return true;
}

bool AieArray::write32(std::uint64_t address, std::uint32_t value) {
    std::uint8_t bytes[4];
    std::memcpy(bytes, &value, 4);
    return write(address, bytes, 4) == AccessStatus::ok;
}

void AieArray::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
    if (trans.get_byte_enable_ptr() != nullptr) {
        trans.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (trans.get_streaming_width() < trans.get_data_length()) {
        trans.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    const bool is_write = trans.get_command() == tlm::TLM_WRITE_COMMAND;
    if (!is_write && trans.get_command() != tlm::TLM_READ_COMMAND) {
        trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    const AccessStatus s =
        access(is_write, trans.get_address(), trans.get_data_ptr(), trans.get_data_length());
    const std::uint64_t words = (trans.get_data_length() + 3) / 4;
    delay += context_.cycles(words * context_.timing().control_access_cycles);
    trans.set_dmi_allowed(false);
    trans.set_response_status(s == AccessStatus::ok ? tlm::TLM_OK_RESPONSE
                                                    : (s == AccessStatus::unmapped
                                                           ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                           : tlm::TLM_GENERIC_ERROR_RESPONSE));
}

unsigned int AieArray::transport_dbg(tlm::tlm_generic_payload& trans) {
    // Debug access reaches tile memories only: register reads can have side effects (the
    // lock request windows), which a debugger must not trigger.
    const auto d = decode_address(geometry(), trans.get_address());
    const std::uint32_t length = trans.get_data_length();
    if (!d) {
        return 0;
    }
    Tile& t = tile(d->col, d->row);
    if (!t.memory().contains(d->offset, length)) {
        return 0;
    }
    if (trans.get_command() == tlm::TLM_WRITE_COMMAND) {
        t.memory().write(d->offset, trans.get_data_ptr(), length);
    } else {
        t.memory().read(d->offset, trans.get_data_ptr(), length);
    }
    return length;
}

bool AieArray::has_channel(unsigned col, unsigned row, DmaDir dir, unsigned ch) const {
    const Geometry& g = geometry();
    return col < g.columns && row < g.rows() && ch < channel_count(g.kind(row), dir);
}

std::uint64_t AieArray::tokens_available(unsigned col, unsigned row, DmaDir dir, unsigned ch) {
    return tile(col, row).channel(dir, ch).tokens_available();
}

void AieArray::consume_tokens(unsigned col, unsigned row, DmaDir dir, unsigned ch,
                              std::uint64_t n) {
    tile(col, row).channel(dir, ch).consume_tokens(n);
}

std::size_t AieArray::resident_bytes() const {
    std::size_t n = 0;
    for (const auto& t : tiles_) {
        n += t->resident_bytes();
    }
    return n;
}

RouteResult AieArray::route(unsigned col, unsigned row, unsigned mm2s_channel, bool packet,
                            unsigned packet_id) {
    return resolve_route(
        geometry(), context_.timing(),
        [this](unsigned c, unsigned r) -> const StreamSwitch& {
            return tile(c, r).stream_switch();
        },
        col, row, mm2s_channel, packet, packet_id);
}

StreamInbox& AieArray::inbox(unsigned col, unsigned row, unsigned s2mm_channel) {
    return tile(col, row).channel(DmaDir::s2mm, s2mm_channel).inbox();
}

bool AieArray::host_access(unsigned col, bool is_write, std::uint64_t address, std::uint8_t* data,
                           std::uint32_t length, sc_core::sc_time& delay, std::string& error) {
    // BD addresses are the AIE's view of host memory: the DDR window starts at the offset.
    const std::uint64_t offset = config().host_address_offset;
    if (address < offset) {
        error = "AIE address " + common::hex(address) + " is below the host memory window at " +
                common::hex(offset) + " (aie.host_address_offset)";
        return false;
    }
    address -= offset;
    // The DMA channel overlaps the path's delay with its own transfer time (it waits the
    // larger): the annotation goes back to it.
    HostRequesterExtension ext(column_owner(col));
    tlm_util::Transaction t(is_write, address, data, length);
    if (!t.with(ext).send(host, delay)) {
        error = t.error();
        return false;
    }
    return true;
}

void AieArray::trace(sc_core::sc_trace_file* file, const std::string& prefix) {
    for (unsigned col = 0; col < owners_.size(); ++col) {
        sc_core::sc_trace(file, owners_[col], prefix + ".column" + std::to_string(col) + "_owner");
    }
    for (auto& t : tiles_) {
        const std::string tile =
            prefix + ".c" + std::to_string(t->col()) + "_r" + std::to_string(t->row());
        t->locks().trace(file, tile);
        for (const DmaDir dir : {DmaDir::s2mm, DmaDir::mm2s}) {
            for (unsigned ch = 0; ch < t->channels(dir); ++ch) {
                t->channel(dir, ch).trace(file,
                                          tile + "." + dma_dir_name(dir) + std::to_string(ch));
            }
        }
        if (t->core() != nullptr) {
            t->core()->trace(file, tile + ".core");
        }
    }
}

} // namespace aie4sim::tiles
