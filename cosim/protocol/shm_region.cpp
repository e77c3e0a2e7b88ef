#include "cosim/protocol/shm_region.h"

#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace aie4sim::cosim {

namespace {

std::uint64_t ring_bytes(std::uint32_t ring_size) {
    return A4S_RING_DATA_OFFSET + std::uint64_t{ring_size};
}

static_assert(sizeof(a4s_presence) <= A4S_PRESENCE_SIZE, "a presence block fits its slot");

bool is_power_of_two(std::uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

} // namespace

SharedRegion::SharedRegion(int fd, void* base, const a4s_shm_offer& offer)
    : fd_(fd), base_(base), offer_(offer) {}

SharedRegion::~SharedRegion() {
    munmap(base_, offer_.region_size);
    close(fd_);
}

std::unique_ptr<SharedRegion> SharedRegion::create(std::uint32_t ring_size) {
    if (!is_power_of_two(ring_size) || ring_size < (256u << 10)) {
        throw std::invalid_argument("ring size must be a power of two of at least 256 KiB");
    }
    a4s_shm_offer offer{};
    offer.ring_size = ring_size;
    offer.to_model_offset = 0;
    offer.to_qemu_offset = static_cast<std::uint32_t>(ring_bytes(ring_size));
    offer.presence_offset = static_cast<std::uint32_t>(2 * ring_bytes(ring_size));
    offer.region_size = offer.presence_offset + 2 * A4S_PRESENCE_SIZE;
    const int fd = memfd_create("aie4sim-rings", MFD_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("memfd_create failed");
    }
    if (ftruncate(fd, static_cast<off_t>(offer.region_size)) != 0) {
        close(fd);
        throw std::runtime_error("cannot size the shared ring region");
    }
    void* base = mmap(nullptr, offer.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        close(fd);
        throw std::runtime_error("cannot map the shared ring region");
    }
    std::unique_ptr<SharedRegion> region(new SharedRegion(fd, base, offer));
    a4s_ring_init(region->to_model());
    a4s_ring_init(region->to_qemu());
    for (a4s_presence* p : {region->qemu_presence(), region->model_presence()}) {
        p->cpu = A4S_CPU_UNKNOWN;
    }
    return region;
}

std::unique_ptr<SharedRegion> SharedRegion::map(int fd, const a4s_shm_offer& offer) {
    struct stat st {};
    if (fstat(fd, &st) != 0 || !is_power_of_two(offer.ring_size) ||
        offer.ring_size < (256u << 10) ||
        static_cast<std::uint64_t>(st.st_size) < offer.region_size ||
        std::uint64_t{offer.to_model_offset} + ring_bytes(offer.ring_size) > offer.region_size ||
        std::uint64_t{offer.to_qemu_offset} + ring_bytes(offer.ring_size) > offer.region_size ||
        offer.to_model_offset % 64 != 0 || offer.to_qemu_offset % 64 != 0 ||
        offer.presence_offset % 64 != 0 ||
        (offer.presence_offset != 0 &&
         std::uint64_t{offer.presence_offset} + std::uint64_t{2} * A4S_PRESENCE_SIZE >
             offer.region_size)) {
        close(fd);
        throw std::runtime_error("the shared memory offer does not describe a usable region");
    }
    void* base = mmap(nullptr, offer.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        close(fd);
        throw std::runtime_error("cannot map the shared ring region");
    }
    return std::unique_ptr<SharedRegion>(new SharedRegion(fd, base, offer));
}

a4s_ring_control* SharedRegion::to_model() const {
    return reinterpret_cast<a4s_ring_control*>(static_cast<std::uint8_t*>(base_) +
                                               offer_.to_model_offset);
}

a4s_ring_control* SharedRegion::to_qemu() const {
    return reinterpret_cast<a4s_ring_control*>(static_cast<std::uint8_t*>(base_) +
                                               offer_.to_qemu_offset);
}

a4s_presence* SharedRegion::qemu_presence() const {
    if (offer_.presence_offset == 0) {
        return nullptr;
    }
    return reinterpret_cast<a4s_presence*>(static_cast<std::uint8_t*>(base_) +
                                           offer_.presence_offset);
}

a4s_presence* SharedRegion::model_presence() const {
    if (offer_.presence_offset == 0) {
        return nullptr;
    }
    return reinterpret_cast<a4s_presence*>(static_cast<std::uint8_t*>(base_) +
                                           offer_.presence_offset + A4S_PRESENCE_SIZE);
}

} // namespace aie4sim::cosim
