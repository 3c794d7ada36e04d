// Checks the just-booted shim itself, when the test runs under it
// (CW_EXPECT_JUST_BOOTED set): the clock reads as a machine up for a moment,
// and timed waits on it last what they say. Skipped otherwise.

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>

namespace {

using namespace std::chrono_literals;

bool under_shim() { return std::getenv("CW_EXPECT_JUST_BOOTED") != nullptr; }

TEST(JustBootedClock, TheSteadyClockReadsAsAMachineUpForAMoment) {
  if (!under_shim()) GTEST_SKIP() << "not run under the just-booted shim";
  EXPECT_LT(std::chrono::steady_clock::now().time_since_epoch(), 60s);
  timespec boot{};
  ASSERT_EQ(::clock_gettime(CLOCK_BOOTTIME, &boot), 0);
  EXPECT_LT(boot.tv_sec, 60);
}

TEST(JustBootedClock, TimedWaitsOnTheShiftedClockLastWhatTheySay) {
  if (!under_shim()) GTEST_SKIP() << "not run under the just-booted shim";
  std::mutex mutex;
  std::condition_variable never;
  std::unique_lock lock(mutex);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(never.wait_until(lock, start + 100ms), std::cv_status::timeout);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 100ms);
  EXPECT_LT(waited, 30s) << "a deadline left in the shifted clock's reading would be far in the kernel's past";

  timespec now{};
  ASSERT_EQ(::clock_gettime(CLOCK_MONOTONIC, &now), 0);
  timespec until = now;
  until.tv_nsec += 50'000'000;
  if (until.tv_nsec >= 1'000'000'000) {
    until.tv_nsec -= 1'000'000'000;
    ++until.tv_sec;
  }
  ASSERT_EQ(::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr), 0);
  timespec after{};
  ::clock_gettime(CLOCK_MONOTONIC, &after);
  EXPECT_TRUE(after.tv_sec > until.tv_sec || (after.tv_sec == until.tv_sec && after.tv_nsec >= until.tv_nsec));
}

}  // namespace
