// WallClockAlarms: actions run once, in deadline order, only when due by the wall clock.
#include "common/wall_clock_alarms.h"

#include <catch2/catch.hpp>
#include <thread>
#include <vector>

using aie4sim::common::WallClockAlarms;
using namespace std::chrono_literals;

TEST_CASE("wall-clock alarms run once each, in order, when due", "[common][alarms]") {
    WallClockAlarms alarms;
    std::vector<int> ran;
    CHECK_FALSE(alarms.next_due().has_value());
    alarms.schedule(40ms, [&] { ran.push_back(2); });
    alarms.schedule(1ms, [&] { ran.push_back(1); });
    alarms.schedule(1h, [&] { ran.push_back(3); });
    REQUIRE(alarms.next_due().has_value());
    CHECK(*alarms.next_due() <= WallClockAlarms::Clock::now() + 1ms);
    std::this_thread::sleep_for(5ms);
    CHECK(alarms.run_due() == 1);
    CHECK(ran == std::vector<int>{1});
    std::this_thread::sleep_for(50ms);
    CHECK(alarms.run_due() == 1);
    CHECK(alarms.run_due() == 0); // nothing runs twice
    CHECK(ran == std::vector<int>{1, 2});
    CHECK_FALSE(alarms.empty()); // the hour-long one waits
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
