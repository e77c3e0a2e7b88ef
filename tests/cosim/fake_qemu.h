#pragma once
// A stand-in for QEMU's aie4sim device, for testing the model's side of the protocol in one
// process: it speaks the protocol over one end of a socketpair, keeps a small "guest RAM" (a
// memfd it can share with the model, protocol 1.1) that serves the model's DMA, and records
// MSI-X messages. The real QEMU device is tested by the guest integration tests.

#include "cosim/protocol/link.h"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace aie4sim::testing {

// 1 MiB of guest RAM in a memfd; bus addresses are RAM offsets (no IOMMU).
struct FakeRam {
    static constexpr std::size_t kSize = 1 << 20;
    int fd = -1;
    std::uint8_t* bytes = nullptr;

    FakeRam() {
        fd = memfd_create("fake-guest-ram", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, kSize) != 0) {
            throw std::runtime_error("memfd for the fake guest RAM");
        }
        void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            throw std::runtime_error("mapping the fake guest RAM");
        }
        bytes = static_cast<std::uint8_t*>(p);
    }
    ~FakeRam() {
        munmap(bytes, kSize);
        ::close(fd);
    }
    FakeRam(const FakeRam&) = delete;
    FakeRam& operator=(const FakeRam&) = delete;
    [[nodiscard]] std::size_t size() const { return kSize; }
    std::uint8_t& operator[](std::size_t i) { return bytes[i]; }
};

// How the fake answers DMA_MAP.
enum class MapMode {
    identity,      // extents of the shared block, one per 4 KiB page (as under an IOMMU)
    hole,          // [0x2000, 0x3000) is not shared RAM: an A4S_RAM_NONE extent
    fault,         // every translation fails (an IOMMU fault): ABORT
    out_of_bounds, // extents beyond the block: a reply that must not be trusted
};

struct FakeQemu {
    boost::asio::io_context io;
    std::unique_ptr<cosim::Link> link;
    FakeRam ram;
    std::vector<std::pair<unsigned, a4s_msi>> msis;
    std::vector<a4s_notice> notices;
    std::uint32_t next_id = 1;
    MapMode map_mode = MapMode::identity;
    unsigned dma_messages = 0; // DMA_READ/DMA_WRITE served
    unsigned dma_maps = 0;     // DMA_MAP served

    explicit FakeQemu(int fd) {
        cosim::Link::Socket s(io, boost::asio::generic::stream_protocol(AF_UNIX, 0), fd);
        link = std::make_unique<cosim::Link>(std::move(s), cosim::Link::Side::qemu);
    }

    void serve_map(const cosim::Message& m) {
        ++dma_maps;
        a4s_dma_map req{};
        if (!m.read_as(req) || map_mode == MapMode::fault) {
            link->send(cosim::make_reply(m, A4S_E_ABORT));
            return;
        }
        std::vector<std::uint8_t> out(sizeof(a4s_dma_map_reply));
        a4s_dma_map_reply head{};
        for (std::uint64_t at = req.address; at < req.address + req.size;) {
            const std::uint64_t page_end = (at | 0xFFF) + 1;
            a4s_dma_extent e{};
            e.length = static_cast<std::uint32_t>(std::min(page_end, req.address + req.size) - at);
            e.offset = map_mode == MapMode::out_of_bounds ? at + ram.size() : at;
            e.block = map_mode == MapMode::hole && at >= 0x2000 && at < 0x3000 ? A4S_RAM_NONE : 0;
            if (e.block == A4S_RAM_NONE) {
                e.offset = 0;
            }
            const auto* p = reinterpret_cast<const std::uint8_t*>(&e);
            out.insert(out.end(), p, p + sizeof e);
            ++head.count;
            head.mapped += e.length;
            at += e.length;
        }
        std::memcpy(out.data(), &head, sizeof head);
        link->send(cosim::make_reply(m, A4S_OK, out.data(), out.size()));
    }

    void serve(const cosim::Message& m) {
        if (m.header.type == A4S_NOTICE) {
            a4s_notice n{};
            if (m.read_as(n)) {
                notices.push_back(n);
            }
            return;
        }
        if (m.header.type == A4S_MSI) {
            a4s_msi msi{};
            if (m.read_as(msi)) {
                msis.emplace_back(m.header.function, msi);
            }
            return;
        }
        if (m.header.type == A4S_DMA_MAP) {
            serve_map(m);
            return;
        }
        a4s_dma dma{};
        if ((m.header.type != A4S_DMA_READ && m.header.type != A4S_DMA_WRITE) || !m.read_as(dma)) {
            return;
        }
        ++dma_messages;
        if (dma.address + dma.size > ram.size()) {
            link->send(cosim::make_reply(m, A4S_E_UNSUPPORTED));
            return;
        }
        if (m.header.type == A4S_DMA_WRITE) {
            std::memcpy(&ram[dma.address], m.payload.data() + sizeof dma, dma.size);
            link->send(cosim::make_reply(m, A4S_OK));
        } else {
            link->send(cosim::make_reply(m, A4S_OK, &ram[dma.address], dma.size));
        }
    }

    std::optional<cosim::Message> call(cosim::Message request) {
        request.header.id = next_id++;
        const std::uint32_t id = request.header.id;
        link->send(std::move(request));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline && !link->closed()) {
            auto m = link->wait(std::chrono::milliseconds(100));
            if (!m) {
                continue;
            }
            if (m->is_reply() && m->header.id == id) {
                return m;
            }
            serve(*m);
        }
        return std::nullopt;
    }

    void post(cosim::Message request) {
        request.header.flags = A4S_F_POSTED;
        link->send(std::move(request));
    }

    // Serves the model until `done` holds or the time runs out.
    template <class Done> bool pump_until(Done done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline || link->closed()) {
                return false;
            }
            if (auto m = link->wait(std::chrono::milliseconds(20))) {
                serve(*m);
            }
        }
        return true;
    }

    struct HelloOptions {
        bool share_ram = false;        // offer A4S_CAP_GUEST_RAM and send GUEST_RAM
        bool ignores_presence = false; // ignore the presence blocks (read them as "reserved")
        bool window = false;           // 1.2: say the RAM sits at bus address 0 (no IOMMU)
        std::uint16_t minor = A4S_PROTOCOL_MINOR;
    };

    bool hello() { return hello(HelloOptions{}); }
    bool hello(HelloOptions options) {
        a4s_hello h{};
        h.major = A4S_PROTOCOL_MAJOR;
        h.minor = options.minor;
        h.role = A4S_ROLE_QEMU;
        h.capabilities = A4S_CAP_SHM | (options.share_ram ? A4S_CAP_GUEST_RAM : 0);
        auto r = call(cosim::make_request(A4S_HELLO, 0, h));
        if (!r || r->header.status != A4S_OK) {
            return false;
        }
        a4s_hello theirs{};
        if (!r->read_as(theirs) || (theirs.capabilities & A4S_CAP_SHM) == 0) {
            return true; // no shared memory offered
        }
        auto offer = link->wait(std::chrono::seconds(5));
        if (!offer || offer->header.type != A4S_SHM_OFFER) {
            return false;
        }
        if (options.ignores_presence) {
            a4s_shm_offer o{};
            std::memcpy(&o, offer->payload.data(), sizeof o);
            o.presence_offset = 0; // as if it were still "reserved"
            std::memcpy(offer->payload.data(), &o, sizeof o);
        }
        if (!link->accept_shared_memory(*offer)) {
            return false;
        }
        if (options.share_ram && (theirs.capabilities & A4S_CAP_GUEST_RAM) != 0) {
            struct {
                a4s_guest_ram head;
                a4s_ram_block block;
                a4s_ram_window window;
            } __attribute__((packed)) body{};
            body.head.count = 1;
            body.head.windows = options.window ? 1 : 0;
            body.window = a4s_ram_window{0, ram.size(), 0, 0, 0};
            body.block.size = ram.size();
            std::strncpy(body.block.name, "fake-ram", sizeof body.block.name - 1);
            cosim::Message m = cosim::make_request(A4S_GUEST_RAM, 0, body);
            m.header.flags = A4S_F_POSTED;
            return link->send_with_descriptors(std::move(m), {ram.fd});
        }
        return true;
    }

    std::optional<std::uint32_t> cfg_read(unsigned fn, std::uint16_t offset, unsigned size = 4) {
        a4s_cfg_read body{offset, static_cast<std::uint16_t>(size), 0, 0};
        auto r = call(cosim::make_request(A4S_CFG_READ, static_cast<std::uint16_t>(fn), body));
        a4s_cfg_read_reply v{};
        if (!r || r->header.status != A4S_OK || !r->read_as(v)) {
            return std::nullopt;
        }
        return std::uint32_t{v.value};
    }

    std::optional<a4s_cfg_write_reply> cfg_write(unsigned fn, std::uint16_t offset, unsigned size,
                                                 std::uint32_t value) {
        a4s_cfg_write body{offset, static_cast<std::uint16_t>(size), 0, 0, value, 0};
        auto r = call(cosim::make_request(A4S_CFG_WRITE, static_cast<std::uint16_t>(fn), body));
        a4s_cfg_write_reply out{};
        if (!r || r->header.status != A4S_OK || !r->read_as(out)) {
            return std::nullopt;
        }
        return out;
    }

    std::optional<std::uint32_t> mmio_read(std::uint64_t address, unsigned fn = 0,
                                           std::uint16_t* status = nullptr) {
        a4s_mmio body{address, 4, 0, {}};
        auto r = call(cosim::make_request(A4S_MMIO_READ, static_cast<std::uint16_t>(fn), body));
        if (status != nullptr) {
            *status = r ? r->header.status : 0xFFFF;
        }
        std::uint32_t v = 0;
        if (!r || r->header.status != A4S_OK || !r->read_as(v)) {
            return std::nullopt;
        }
        return v;
    }

    // ATTACH to a VF (a guest QEMU): A4S_OK, or the status and the refusal's code.
    std::pair<std::uint16_t, std::uint32_t> attach(unsigned vf) {
        a4s_attach body{static_cast<std::uint16_t>(vf), 0, 0};
        auto r = call(cosim::make_request(A4S_ATTACH, static_cast<std::uint16_t>(vf), body));
        if (!r) {
            return {0xFFFF, 0};
        }
        a4s_refusal why{};
        (void)r->read_as(why);
        return {static_cast<std::uint16_t>(r->header.status), static_cast<std::uint32_t>(why.code)};
    }

    void mmio_write(std::uint64_t address, std::uint32_t value, unsigned fn = 0) {
        a4s_mmio body{address, 4, 0, {}};
        post(cosim::make_request(A4S_MMIO_WRITE, static_cast<std::uint16_t>(fn), body, &value, 4));
    }
};

} // namespace aie4sim::testing
