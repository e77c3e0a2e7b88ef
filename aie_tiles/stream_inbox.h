#pragma once
// The receiving end of a stream: the FIFO in front of one S2MM channel. It stands for every
// FIFO on the route to that channel (docs/aie_tiles.md §6): its capacity is the sum
// of the route's switch FIFOs plus the channel's receive buffer, in bytes, set by the sender
// that owns the inbox. A sender reserves room for a chunk before pushing it, so a receiver
// that does not drain stalls the sender once that capacity is used: back-pressure.
//
// Ownership keeps streams from interleaving below packet granularity: a sender owns the
// inbox for one BD (one packet when packet switching merges several sources onto one
// master); other senders queue in arrival order.

#include "aie_tiles/array_context.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <systemc>
#include <vector>

namespace aie4sim::tiles {

struct StreamChunk {
    std::shared_ptr<const std::vector<std::uint8_t>> data;
    std::uint32_t offset = 0; // bytes of `data` already consumed
    sc_core::sc_time first;   // arrival of the chunk's first byte at the receiver
    sc_core::sc_time last;    // arrival of its last byte
    [[nodiscard]] std::uint32_t size() const { return static_cast<std::uint32_t>(data->size()); }
    [[nodiscard]] std::uint32_t remaining() const { return size() - offset; }
};

class StreamInbox {
public:
    // Ownership: blocks until `owner` holds the inbox; false when aborted.
    bool acquire(const void* owner, const AbortCheck& abort);
    void release(const void* owner);

    void set_capacity(std::uint32_t bytes) { capacity_ = bytes; }
    [[nodiscard]] std::uint32_t capacity() const { return capacity_; }
    [[nodiscard]] std::uint32_t used() const { return used_; }
    [[nodiscard]] bool has_room(std::uint32_t bytes) const { return used_ + bytes <= capacity_; }
    [[nodiscard]] const sc_core::sc_event& space_event() const { return space_event_; }

    // Sender side: the caller checked has_room().
    void push(StreamChunk chunk);

    // Receiver side.
    [[nodiscard]] bool empty() const { return chunks_.empty(); }
    [[nodiscard]] StreamChunk& front() { return chunks_.front(); }
    [[nodiscard]] const sc_core::sc_event& data_event() const { return data_event_; }
    // Marks `bytes` of the front chunk consumed and frees their room.
    void consume(std::uint32_t bytes);

    // Column reset: drops data and ownership, wakes everyone.
    void clear();

private:
    std::deque<StreamChunk> chunks_;
    std::uint32_t capacity_ = 0;
    std::uint32_t used_ = 0;
    const void* owner_ = nullptr;
    std::deque<const void*> waiting_owners_;
    sc_core::sc_event data_event_;
    sc_core::sc_event space_event_;
    sc_core::sc_event owner_event_;
};

} // namespace aie4sim::tiles
