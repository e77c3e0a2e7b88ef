#pragma once
// What a tile needs from the array around it: stream routes across tiles, the receive FIFOs
// of other tiles' S2MM channels, and the host bus (shim DMA). AieArray implements it; tests
// of single parts can provide their own.

#include "aie_tiles/stream_router.h"

#include <cstdint>
#include <string>
#include <systemc>

namespace aie4sim::tiles {

class StreamInbox;

class ArrayServices {
public:
    virtual RouteResult route(unsigned col, unsigned row, unsigned mm2s_channel, bool packet,
                              unsigned packet_id) = 0;
    virtual StreamInbox& inbox(unsigned col, unsigned row, unsigned s2mm_channel) = 0;
    // One host memory access on behalf of column `col`'s shim DMA. Adds the bus's annotated
    // delay to `delay`; false (with `error` set) on an error response.
    virtual bool host_access(unsigned col, bool write, std::uint64_t address, std::uint8_t* data,
                             std::uint32_t length, sc_core::sc_time& delay, std::string& error) = 0;

protected:
    ~ArrayServices() = default;
};

} // namespace aie4sim::tiles
