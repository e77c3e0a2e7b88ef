// Wire frames: bytes from a peer's socket, cut into messages by FrameReader and read the way the
// bridge reads them. Input: one byte of chunk size, then the stream. Every message that comes
// out must have passed check_header and carry exactly the payload its header announces.
#include "cosim/protocol/frame_reader.h"
#include "cosim/protocol/message.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstring>
#include <string>

using namespace aie4sim::cosim;
using aie4sim::fuzz::invariant_broken;

namespace {

void read_like_the_bridge(const Message& m) {
    if (check_header(m.header) || m.payload.size() != m.header.size - kHeaderSize) {
        invariant_broken();
    }
    // Names are looked up for logs; payload structs are copied out when they fit.
    const std::string name = std::string(type_name(m.type())) + status_name(m.header.status);
    a4s_layout layout{};
    a4s_mmio mmio{};
    a4s_dma dma{};
    a4s_dma_map_reply map{};
    a4s_goodbye goodbye{};
    (void)m.read_as(layout);
    (void)m.read_as(goodbye);
    if (m.read_as(mmio) && mmio.size <= A4S_MAX_MMIO_BYTES && m.type() == A4S_MMIO_WRITE &&
        m.payload.size() < sizeof mmio + mmio.size) {
        return; // the bridge refuses a write whose data is missing
    }
    if (m.read_as(dma) && dma.size > A4S_MAX_DMA_CHUNK) {
        return;
    }
    if (m.read_as(map) && map.count <= A4S_MAX_DMA_EXTENTS) {
        a4s_dma_extent extent{};
        for (std::uint32_t i = 0; i < map.count; ++i) {
            if (!m.read_as(extent, sizeof map + std::size_t{i} * sizeof extent)) {
                break;
            }
        }
    }
    if (name.empty()) {
        invariant_broken();
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    aie4sim::fuzz::FuzzInput in(data, size);
    const std::size_t chunk = 1 + in.take<std::uint8_t>();
    const std::vector<std::uint8_t> stream = in.rest();
    FrameReader reader;
    std::size_t fed = 0;
    while (fed < stream.size()) {
        const std::size_t n = std::min(chunk, stream.size() - fed);
        const bool sound = reader.feed(stream.data() + fed, n);
        fed += n;
        while (auto m = reader.next()) {
            read_like_the_bridge(*m);
        }
        if (!sound) {
            if (reader.error().empty() || reader.feed(stream.data(), 1)) {
                invariant_broken(); // a broken stream says why and stays broken
            }
            break;
        }
    }
    return 0;
}
