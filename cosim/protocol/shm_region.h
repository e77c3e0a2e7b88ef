#pragma once
// The shared-memory region that carries the two message rings and each side's presence block
// (aie4sim_wait.h): created by the model (a memfd handed to QEMU over the UNIX socket) or mapped
// from a received descriptor.

#include "cosim/protocol/aie4sim_ring.h"
#include "cosim/protocol/aie4sim_wait.h"
#include "cosim/protocol/aie4sim_wire.h"

#include <cstdint>
#include <memory>
#include <string>

namespace aie4sim::cosim {

class SharedRegion {
public:
    // ring_size: bytes of each ring's data area, a power of two of at least 256 KiB (a
    // message must fit in half a ring).
    static std::unique_ptr<SharedRegion> create(std::uint32_t ring_size);
    // Maps a region another process created. Throws std::runtime_error if the offer does not
    // describe a sane region of the descriptor's size.
    static std::unique_ptr<SharedRegion> map(int fd, const a4s_shm_offer& offer);
    ~SharedRegion();
    SharedRegion(const SharedRegion&) = delete;
    SharedRegion& operator=(const SharedRegion&) = delete;

    [[nodiscard]] int fd() const { return fd_; }
    [[nodiscard]] a4s_shm_offer offer() const { return offer_; }
    [[nodiscard]] std::uint32_t ring_size() const { return offer_.ring_size; }
    [[nodiscard]] a4s_ring_control* to_model() const;
    [[nodiscard]] a4s_ring_control* to_qemu() const;
    // Null when the region has none (a protocol 1.0 peer made it).
    [[nodiscard]] a4s_presence* qemu_presence() const;
    [[nodiscard]] a4s_presence* model_presence() const;

private:
    SharedRegion(int fd, void* base, const a4s_shm_offer& offer);
    int fd_;
    void* base_;
    a4s_shm_offer offer_;
};

} // namespace aie4sim::cosim
