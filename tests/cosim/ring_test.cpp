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
            a4s_ring_release(ring, size, len);
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
    CHECK(a4s_ring_notify(ring, region->model_presence(), 0) == 1);
    CHECK(a4s_ring_notify(ring, region->model_presence(), 0) == 0); // cleared by the first
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
        a4s_ring_release(ring, size, len);
        ++i;
    }
    producer.join();
    CHECK(ok);
}

TEST_CASE("a spinning consumer sees a message by its first word; a released one leaves none",
          "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_ring_control* ring = region->to_model();
    const std::uint32_t size = region->ring_size();
    CHECK(a4s_ring_has_message(ring, size) == 0);
    auto m = message(40, 9);
    REQUIRE(a4s_ring_push2(ring, size, m.data(), 24, m.data() + 24, 16) == 0);
    CHECK(a4s_ring_has_message(ring, size) == 1);
    CHECK(a4s_ring_empty(ring) == 0);
    std::uint32_t len = 0;
    std::uint32_t available = 0;
    const std::uint8_t* at = a4s_ring_peek(ring, size, &len, &available);
    REQUIRE(at != nullptr);
    CHECK(check(at, 40, 9));
    a4s_ring_release(ring, size, len);
    CHECK(a4s_ring_has_message(ring, size) == 0);
    CHECK(a4s_ring_empty(ring) == 1);
    CHECK(std::all_of(at, at + A4S_RING_ALIGN, [](std::uint8_t b) { return b == 0; }));
}

TEST_CASE("a message whose first word is 0 or the padding marker is refused", "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    std::vector<std::uint8_t> m(32, 0);
    CHECK(a4s_ring_push2(region->to_model(), region->ring_size(), m.data(), 32, nullptr, 0) == -1);
    const std::uint32_t pad = A4S_RING_PAD;
    std::memcpy(m.data(), &pad, sizeof pad);
    CHECK(a4s_ring_push2(region->to_model(), region->ring_size(), m.data(), 32, nullptr, 0) == -1);
    CHECK(a4s_ring_empty(region->to_model()) == 1);
}

TEST_CASE("a parked consumer is kicked for unsolicited messages, not for replies to its calls",
          "[cosim][ring]") {
    auto region = SharedRegion::create(256u << 10);
    a4s_ring_control* ring = region->to_qemu();
    const std::uint32_t size = region->ring_size();
    a4s_presence* model = region->model_presence();
    auto take_all = [&] {
        std::uint32_t len = 0;
        std::uint32_t available = 0;
        while (a4s_ring_peek(ring, size, &len, &available) != nullptr) {
            a4s_ring_release(ring, size, len);
        }
    };
    REQUIRE(a4s_ring_park(ring, size) == 1); // empty: may block
    CHECK(ring->consumer_sleeping == A4S_SLEEP_PARKED);

    auto reply = message(32, 1);
    REQUIRE(a4s_ring_push2(ring, size, reply.data(), 32, nullptr, 0) == 0);
    CHECK(a4s_ring_notify(ring, model, 1) == 0); // the caller waits for it awake
    CHECK(ring->consumer_sleeping == A4S_SLEEP_PARKED);
    CHECK(a4s_ring_park(ring, size) == 0); // a message waits: serve it first
    take_all();
    CHECK(a4s_ring_park(ring, size) == 1);

    auto interrupt = message(32, 2);
    REQUIRE(a4s_ring_push2(ring, size, interrupt.data(), 32, nullptr, 0) == 0);
    CHECK(a4s_ring_notify(ring, model, 0) == 1); // unsolicited: KICK the main loop
    CHECK(model->stats.kicks_sent == 1);
    CHECK(ring->consumer_sleeping == A4S_AWAKE);
    CHECK(a4s_ring_notify(ring, model, 0) == 0); // one KICK is enough
    take_all();
    CHECK(a4s_ring_park(ring, size) == 1);
    CHECK(ring->consumer_sleeping == A4S_SLEEP_PARKED);
}
