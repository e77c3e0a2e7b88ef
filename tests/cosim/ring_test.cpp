// The shared-memory rings: ordering, wrap-around with padding, full-ring back-pressure, and a
// producer and consumer on two threads.
#include "cosim/protocol/shm_region.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <thread>

using namespace aie4sim::cosim;

namespace {

struct Record {
    std::uint32_t size; // first word: the message size, as a4s_header.size
    std::uint32_t sequence;
};

std::vector<std::uint8_t> message(std::uint32_t size, std::uint32_t sequence) {
    std::vector<std::uint8_t> m(size);
    const Record r{size, sequence};
    std::memcpy(m.data(), &r, sizeof r);
    for (std::uint32_t i = sizeof r; i < size; ++i) {
        m[i] = static_cast<std::uint8_t>(sequence + i);
    }
    return m;
}

bool check(const std::uint8_t* at, std::uint32_t size, std::uint32_t sequence) {
    Record r{};
    std::memcpy(&r, at, sizeof r);
    if (r.size != size || r.sequence != sequence) {
        return false;
    }
    for (std::uint32_t i = sizeof r; i < size; ++i) {
        if (at[i] != static_cast<std::uint8_t>(sequence + i)) {
            return false;
        }
    }
    return true;
}

} // namespace

TEST_CASE("messages come out in order, whole, across many wrap-arounds", "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_ring_control* ring = region->to_model();
    const std::uint32_t size = region->ring_size();
    std::mt19937 rng(3);
    std::uint32_t produced = 0;
    std::uint32_t consumed = 0;
    std::vector<std::uint32_t> sizes;
    for (int step = 0; step < 20000; ++step) {
        if (rng() % 2 == 0) {
            const std::uint32_t len = 8 + rng() % 5000;
            auto m = message(len, produced);
            const std::uint32_t first = std::min<std::uint32_t>(16, len); // a two-part message
            const int r =
                a4s_ring_push2(ring, size, m.data(), first, m.data() + first, len - first);
            if (r == 0) {
                sizes.push_back(len);
                ++produced;
            } else {
                REQUIRE(r == 1); // full, never "too big" for these sizes
            }
        } else {
            std::uint32_t len = 0;
            std::uint32_t available = 0;
            const std::uint8_t* at = a4s_ring_peek(ring, size, &len, &available);
            if (at == nullptr) {
                REQUIRE(consumed == produced);
                continue;
            }
            REQUIRE(len <= available);
            REQUIRE(check(at, sizes[consumed], consumed));
            a4s_ring_release(ring, len);
            ++consumed;
        }
    }
    CHECK(produced > 1000);
}

TEST_CASE("a message larger than half the ring is refused", "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    std::vector<std::uint8_t> big(130u << 10);
    CHECK(a4s_ring_push2(region->to_model(), region->ring_size(), big.data(),
                         static_cast<std::uint32_t>(big.size()), nullptr, 0) == -1);
}

TEST_CASE("the sleeping flag asks for a kick exactly when the consumer sleeps", "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_ring_control* ring = region->to_qemu();
    auto m = message(64, 1);
    REQUIRE(a4s_ring_prepare_sleep(ring) == 1); // empty: may sleep
    REQUIRE(a4s_ring_push2(ring, region->ring_size(), m.data(), 64, nullptr, 0) == 0);
    CHECK(a4s_ring_notify(ring, region->model_presence()) == 1);
    CHECK(a4s_ring_notify(ring, region->model_presence()) == 0); // cleared by the first
    CHECK(region->model_presence()->stats.kicks_sent == 1);
    CHECK(a4s_ring_prepare_sleep(ring) == 0); // not empty: must not sleep
}

TEST_CASE("two threads stream 200k messages without loss", "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_ring_control* ring = region->to_model();
    const std::uint32_t size = region->ring_size();
    constexpr std::uint32_t kCount = 200000;
    std::thread producer([&] {
        std::mt19937 rng(5);
        for (std::uint32_t i = 0; i < kCount;) {
            const std::uint32_t len = 8 + (rng() % 64) * 8;
            auto m = message(len, i);
            while (a4s_ring_push2(ring, size, m.data(), len, nullptr, 0) != 0) {
            }
            ++i;
        }
    });
    std::mt19937 rng(5);
    bool ok = true;
    for (std::uint32_t i = 0; i < kCount && ok;) {
        std::uint32_t len = 0;
        std::uint32_t available = 0;
        const std::uint8_t* at = a4s_ring_peek(ring, size, &len, &available);
        if (at == nullptr) {
            continue;
        }
        const std::uint32_t expected = 8 + (rng() % 64) * 8;
        ok = check(at, expected, i) && len <= available;
        a4s_ring_release(ring, len);
        ++i;
    }
    producer.join();
    CHECK(ok);
}
