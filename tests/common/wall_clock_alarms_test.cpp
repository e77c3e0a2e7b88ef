// WallClockAlarms: actions run once, in deadline order, only when due by the wall clock.
#include "common/wall_clock_alarms.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using aie4sim::common::WallClockAlarms;
using namespace std::chrono_literals;

TEST_CASE("wall-clock alarms run once each, in order, when due", "[common][alarms]") {
    // No timing margins that a loaded machine could break: "due" alarms are a few milliseconds
    // away at most, the one that must not run is an hour away.
    WallClockAlarms alarms;
    std::vector<int> ran;
    CHECK_FALSE(alarms.next_due().has_value());
    alarms.schedule(1h, [&] { ran.push_back(3); });
    alarms.schedule(2ms, [&] { ran.push_back(2); });
    alarms.schedule(1ms, [&] { ran.push_back(1); });
    REQUIRE(alarms.next_due().has_value());
    CHECK(*alarms.next_due() <= WallClockAlarms::Clock::now() + 1ms);
    std::this_thread::sleep_for(5ms);
    CHECK(alarms.run_due() == 2);
    CHECK(ran == std::vector<int>{1, 2});
    CHECK(alarms.run_due() == 0); // nothing runs twice, the hour-long one waits
    CHECK(ran == std::vector<int>{1, 2});
    CHECK_FALSE(alarms.empty());
    CHECK(*alarms.next_due() > WallClockAlarms::Clock::now() + 30min);
}

TEST_CASE("an alarm's action may schedule another", "[common][alarms]") {
    WallClockAlarms alarms;
    int count = 0;
    alarms.schedule(0ms, [&] {
        ++count;
        alarms.schedule(0ms, [&] { ++count; });
    });
    std::this_thread::sleep_for(1ms);
    alarms.run_due();
    alarms.run_due();
    CHECK(count == 2);
    CHECK(alarms.empty());
}
