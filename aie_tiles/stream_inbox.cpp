#include "aie_tiles/stream_inbox.h"

#include <algorithm>

namespace aie4sim::tiles {

bool StreamInbox::acquire(const void* owner, const AbortCheck& abort) {
    if (owner_ == owner) {
        return true;
    }
    if (owner_ == nullptr && waiting_owners_.empty()) {
        owner_ = owner;
        return true;
    }
    waiting_owners_.push_back(owner);
    for (;;) {
        if (owner_ == owner) {
            return true;
        }
        const bool queued = std::find(waiting_owners_.begin(), waiting_owners_.end(), owner) !=
                            waiting_owners_.end();
        if (!queued && owner_ == nullptr) {
            // clear() dropped the queue (the receiving column was reset): start over.
            owner_ = owner;
            return true;
        }
        if (!abort.wait_event(owner_event_)) {
            auto it = std::find(waiting_owners_.begin(), waiting_owners_.end(), owner);
            if (it != waiting_owners_.end()) {
                waiting_owners_.erase(it);
            }
            release(owner);
            return false;
        }
    }
}

void StreamInbox::release(const void* owner) {
    if (owner_ != owner) {
        return;
    }
    owner_ = nullptr;
    if (!waiting_owners_.empty()) {
        owner_ = waiting_owners_.front();
        waiting_owners_.pop_front();
    }
    owner_event_.notify(sc_core::SC_ZERO_TIME);
}

void StreamInbox::push(StreamChunk chunk) {
    used_ += chunk.remaining();
    chunks_.push_back(std::move(chunk));
    data_event_.notify(sc_core::SC_ZERO_TIME);
}

void StreamInbox::consume(std::uint32_t bytes) {
    StreamChunk& c = chunks_.front();
    c.offset += bytes;
    used_ -= bytes;
    if (c.remaining() == 0) {
        chunks_.pop_front();
    }
    space_event_.notify(sc_core::SC_ZERO_TIME);
}

void StreamInbox::clear() {
    chunks_.clear();
    used_ = 0;
    owner_ = nullptr;
    waiting_owners_.clear();
    data_event_.notify(sc_core::SC_ZERO_TIME);
    space_event_.notify(sc_core::SC_ZERO_TIME);
    owner_event_.notify(sc_core::SC_ZERO_TIME);
}

} // namespace aie4sim::tiles
