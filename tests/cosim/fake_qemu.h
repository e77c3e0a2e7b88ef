#pragma once
// A stand-in for QEMU's aie4sim device, for testing the model's side of the protocol in one
// process: it speaks the protocol over one end of a socketpair, keeps a small "guest RAM" that
// serves the model's DMA, and records MSI-X messages. The real QEMU device is tested by the
// guest integration tests.

#include "cosim/protocol/link.h"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <optional>
#include <vector>

namespace aie4sim::testing {

struct FakeQemu {
    boost::asio::io_context io;
    std::unique_ptr<cosim::Link> link;
    std::vector<std::uint8_t> ram = std::vector<std::uint8_t>(1 << 20);
    std::vector<std::pair<unsigned, a4s_msi>> msis;
    std::uint32_t next_id = 1;

    explicit FakeQemu(int fd) {
        cosim::Link::Socket s(io, boost::asio::generic::stream_protocol(AF_UNIX, 0), fd);
        link = std::make_unique<cosim::Link>(std::move(s), cosim::Link::Side::qemu);
    }

    void serve(const cosim::Message& m) {
        if (m.header.type == A4S_MSI) {
            a4s_msi msi{};
            if (m.read_as(msi)) {
                msis.emplace_back(m.header.function, msi);
            }
            return;
        }
        a4s_dma dma{};
        if ((m.header.type != A4S_DMA_READ && m.header.type != A4S_DMA_WRITE) || !m.read_as(dma)) {
            return;
        }
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
            auto m = link->wait(std::chrono::milliseconds(100), std::chrono::microseconds(200));
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
            if (auto m =
                    link->wait(std::chrono::milliseconds(20), std::chrono::microseconds(100))) {
                serve(*m);
            }
        }
        return true;
    }

    bool hello() {
        a4s_hello h{};
        h.major = A4S_PROTOCOL_MAJOR;
        h.minor = A4S_PROTOCOL_MINOR;
        h.role = A4S_ROLE_QEMU;
        h.capabilities = A4S_CAP_SHM;
        auto r = call(cosim::make_request(A4S_HELLO, 0, h));
        if (!r || r->header.status != A4S_OK) {
            return false;
        }
        a4s_hello theirs{};
        if (!r->read_as(theirs) || (theirs.capabilities & A4S_CAP_SHM) == 0) {
            return true; // no shared memory offered
        }
        auto offer = link->wait(std::chrono::seconds(5), std::chrono::microseconds(0));
        return offer && offer->header.type == A4S_SHM_OFFER && link->accept_shared_memory(*offer);
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

    void mmio_write(std::uint64_t address, std::uint32_t value, unsigned fn = 0) {
        a4s_mmio body{address, 4, 0, {}};
        post(cosim::make_request(A4S_MMIO_WRITE, static_cast<std::uint16_t>(fn), body, &value, 4));
    }
};

} // namespace aie4sim::testing
