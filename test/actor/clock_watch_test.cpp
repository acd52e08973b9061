// The I/O thread's watch on the wall clock (a CLOCK_REALTIME timerfd with
// TFD_TIMER_CANCEL_ON_SET): it is there and it never holds up the end of
// the thread. That a real change of the clock reaches the cron clock is
// shown in cron_test.cpp (CronActors.ARealChangeOfTheClockIsNoticed).

#include <gtest/gtest.h>

#include "actors/io_bridge.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

TEST(ClockWatch, IsAvailableAndDoesNotDelayTheEnd) {
  io_bridge io;
  io.start();
  EXPECT_TRUE(io.watch_clock_changes([] {}));
  // No pipe is open: finishing must not wait out its grace for the watch.
  const auto began = std::chrono::steady_clock::now();
  io.finish(2s);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 500ms);
}

} // namespace
} // namespace wm
