// The device's registry of hardware contexts on its own: lookups, owners, removal paths and
// what the listener is told.
#include "models/context_registry.h"
#include "testbench/fresh_simulation.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <vector>

using aie4sim::models::ContextListener;
using aie4sim::models::ContextRecord;
using aie4sim::models::ContextRegistry;
using aie4sim::models::HwContext;

namespace {

HwContext context(unsigned function, std::uint32_t id, std::uint32_t partition,
                  std::uint32_t doorbell) {
    HwContext c;
    c.function = function;
    c.id = id;
    c.partition_id = partition;
    c.doorbell_offset = doorbell;
    return c;
}

// Records what it is told, and whether the record had already left the registry then.
struct Recorder : ContextListener {
    const ContextRegistry* registry = nullptr;
    std::vector<std::uint32_t> removed;
    bool saw_destroyed = true;
    bool saw_it_gone = true;
    void context_removed(ContextRecord& c) override {
        removed.push_back(c.info.id);
        saw_destroyed = saw_destroyed && c.destroyed;
        saw_it_gone = saw_it_gone && !registry->find(c.info.function, c.info.id);
    }
};

} // namespace

TEST_CASE("the registry finds contexts by id and doorbell, per function", "[contexts]") {
    aie4sim::testing::FreshSimulation sim;
    ContextRegistry r(3);
    r.add(context(1, 1, 0x10, 0x10000));
    r.add(context(1, 2, 0x10, 0x11000));
    r.add(context(2, 1, 0x20, 0x10000));
    CHECK(r.of(1).size() == 2);
    CHECK(r.of(2).size() == 1);
    CHECK(r.of(0).empty());
    CHECK(r.of(7).empty()); // out of range reads as none
    REQUIRE(r.by_doorbell(1, 0x11000));
    CHECK(r.by_doorbell(1, 0x11000)->info.id == 2);
    CHECK(r.by_doorbell(2, 0x10000)->info.partition_id == 0x20); // same page, other VF
    CHECK_FALSE(r.by_doorbell(2, 0x11000));
    CHECK_FALSE(r.find(2, 2));
    CHECK(r.of(1).front()->info.id == 1); // oldest first
}

TEST_CASE("owners are unique even when context ids are reused", "[contexts]") {
    aie4sim::testing::FreshSimulation sim;
    ContextRegistry r(2);
    const auto first = r.add(context(1, 1, 0x10, 0x10000))->owner;
    r.clear(1);
    const auto second = r.add(context(1, 1, 0x10, 0x10000))->owner;
    CHECK(first != second);
}

TEST_CASE("removal tells the listener once per context, after the record left", "[contexts]") {
    aie4sim::testing::FreshSimulation sim;
    ContextRegistry r(3);
    Recorder seen;
    seen.registry = &r;
    r.set_listener(&seen);
    r.add(context(1, 1, 0x10, 0x10000));
    r.add(context(1, 2, 0x11, 0x11000));
    r.add(context(1, 3, 0x10, 0x12000));
    const ContextRegistry::Record kept = r.add(context(2, 4, 0x20, 0x10000));

    CHECK_FALSE(r.remove(2, 1)); // not VF2's
    CHECK(seen.removed.empty());
    r.remove_partition(1, 0x10); // DESTROY_PARTITION
    CHECK(seen.removed == std::vector<std::uint32_t>{1, 3});
    CHECK(r.of(1).size() == 1);
    CHECK(r.remove(1, 2)); // DESTROY_HW_CONTEXT
    CHECK_FALSE(r.remove(1, 2));
    r.clear(2); // FLR, DESTROY_VFS
    CHECK(seen.removed == std::vector<std::uint32_t>{1, 3, 2, 4});
    CHECK(seen.saw_destroyed);
    CHECK(seen.saw_it_gone);
    CHECK(kept->destroyed);               // a running command's reference outlives the entry
    CHECK(kept->stop.requested == false); // stopping it is the listener's business
}

TEST_CASE("a context of a function out of range is refused", "[contexts]") {
    aie4sim::testing::FreshSimulation sim;
    ContextRegistry r(2);
    CHECK_THROWS_AS(r.add(context(2, 1, 0x10, 0x10000)), std::out_of_range);
    r.clear(9); // nothing there: no effect
    CHECK(r.of(1).empty());
}
