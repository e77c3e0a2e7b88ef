// The mailbox engine: unknown and malformed messages get error replies of the right size and
// never stop the mailbox; rings wrap with tombstones in both directions.
#include "device_fixture.h"

#include <catch2/catch.hpp>

using namespace aie4sim;
using namespace aie4sim::testing;
using models::host::HostDriver;
namespace mgmt = aie4sim::models::mgmt;

namespace {
std::vector<std::uint8_t> message(std::uint32_t total, std::uint32_t id, std::uint32_t opcode,
                                  std::size_t payload_bytes) {
    std::vector<std::uint8_t> m(16 + payload_bytes, 0);
    const std::uint32_t header[4] = {total, (total & 0x7FF) | 0x10000, id, opcode};
    std::memcpy(m.data(), header, 16);
    return m;
}
} // namespace

TEST_CASE("unknown opcodes get NOTSUPP at the size the driver expects", "[mailbox]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        CHECK(d.call(1, 0x3FFFF, words({0}), 4).status == mgmt::kNotSupported);
        CHECK(d.call(1, mgmt::kIdentify, words({0}), 20).status == mgmt::kNotSupported);
        CHECK(d.call(0, mgmt::kQueryCertFirmwareVersion, words({0}), 60).status ==
              mgmt::kNotSupported);
        CHECK(d.call(1, mgmt::kGetDpmFreqTable, words({0}), 92).status == mgmt::kNotSupported);
        CHECK(d.call(1, mgmt::kAieVersionInfo, words({0}), 8).status == 0);
    });
    REQUIRE(b.failure.empty());
}

TEST_CASE("a request too short for its opcode gets an error reply of the right size", "[mailbox]") {
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        const auto r = d.call(1, mgmt::kCreateHwContext, words({d.partition(1), 4}), 16);
        CHECK(r.status == mgmt::kError);
        CHECK(b.device.contexts().of(1).empty());
    });
    REQUIRE(b.failure.empty());
}

TEST_CASE("malformed framing is dropped with an error reply, and the mailbox keeps working",
          "[mailbox]") {
    DeviceBench b;
    std::optional<models::host::MailboxReplyMessage> odd, zero;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        // total_size not a multiple of 4: error reply sized for CREATE_PARTITION (8 bytes)
        d.send_raw(1, message(6, mgmt::kIdMagic | 0x80, mgmt::kCreatePartition, 8));
        odd = d.await_reply(1, mgmt::kIdMagic | 0x80, sc_core::sc_time(10, sc_core::SC_MS));
        // total_size 0: dropped, with an error reply sized for AIE_TILE_INFO (48 bytes)
        d.send_raw(1, message(0, mgmt::kIdMagic | 0x81, mgmt::kAieTileInfo, 4));
        zero = d.await_reply(1, mgmt::kIdMagic | 0x81, sc_core::sc_time(10, sc_core::SC_MS));
        // a total_size far beyond the ring
        d.send_raw(1, message(0x100000, mgmt::kIdMagic | 0x82, mgmt::kAieTileInfo, 4));
        // the next well-formed request still works
        CHECK(d.call(1, mgmt::kAieVersionInfo, words({0}), 8).status == 0);
    });
    REQUIRE(b.failure.empty());
    REQUIRE(odd.has_value());
    CHECK(odd->status == mgmt::kError);
    CHECK(odd->payload.size() == 8);
    REQUIRE(zero.has_value());
    CHECK(zero->status == mgmt::kError);
    CHECK(zero->payload.size() == 48);
    CHECK(b.device.mailbox(1).counters().malformed == 3);
}

TEST_CASE("a total_size near 2^32 is malformed, not a 4 GiB payload", "[mailbox][fuzz]") {
    // head + header + total_size wrapped in 32 bits and passed the ring-size check; the
    // payload buffer was then sized by it (found by fuzzing).
    DeviceBench b;
    std::optional<models::host::MailboxReplyMessage> reply;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        d.send_raw(1, message(0xFFFFFFF0u, mgmt::kIdMagic | 0x90, mgmt::kAieVersionInfo, 4));
        reply = d.await_reply(1, mgmt::kIdMagic | 0x90, sc_core::sc_time(10, sc_core::SC_MS));
        CHECK(d.call(1, mgmt::kAieVersionInfo, words({0}), 8).status == 0);
    });
    REQUIRE(b.failure.empty());
    REQUIRE(reply.has_value());
    CHECK(reply->status == mgmt::kError);
    CHECK(b.device.mailbox(1).counters().malformed == 1);
}

TEST_CASE("a tombstone the host cannot have written is dropped, not followed for ever",
          "[mailbox][fuzz]") {
    // A tombstone at offset 0 sent the head back to 0 again and again inside one take(): the
    // simulation hung in zero time (found by fuzzing).
    DeviceBench b;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        std::vector<std::uint8_t> tombstone(4);
        const std::uint32_t word = mgmt::kTombstone;
        std::memcpy(tombstone.data(), &word, 4);
        d.send_raw(1, tombstone); // at offset 0, the tail 4 bytes ahead of the head
        CHECK(d.call(1, mgmt::kAieVersionInfo, words({0}), 8).status == 0);
    });
    REQUIRE(b.failure.empty());
    CHECK(b.device.mailbox(1).counters().malformed == 1);
}

TEST_CASE("thousands of messages wrap both rings with tombstones", "[mailbox]") {
    DeviceBench b;
    int ok = 0;
    b.run([&](HostDriver& d) {
        bring_up(d, 1);
        // 20-byte requests and 24-byte replies in 16 KiB rings: many wrap-arounds
        for (int i = 0; i < 2000; ++i) {
            ok += d.call(1, mgmt::kAieVersionInfo, words({0}), 8).status == 0 ? 1 : 0;
        }
    });
    REQUIRE(b.failure.empty());
    CHECK(ok == 2000);
    CHECK(b.device.mailbox(1).counters().malformed == 0);
    CHECK(b.device.mailbox(1).counters().dropped_replies == 0);
}
