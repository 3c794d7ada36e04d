#pragma once
// MonotonicClock: the one seam through which code that measures intervals
// reads the time, so that a test can give it a clock at any reading (t = 0,
// "the machine booted a second ago") and move it by hand.
//
// Contract: now() never goes backwards. Its epoch means nothing: on Linux the
// real clock counts from the boot, so a reading can be small. Code must never
// use a time_point{} (or any fixed reading) to mean "never" or "long ago";
// say "not yet" with std::optional instead.

#include <chrono>
#include <cstdint>

namespace cw {

class MonotonicClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~MonotonicClock() = default;
  virtual time_point now() const = 0;
};

// The process's steady clock. Stateless, shared by every user.
const MonotonicClock& steady_clock();

// The wall clock in milliseconds since the Unix epoch: event times, and the
// gauges that say when something happened.
std::int64_t epoch_ms();

}  // namespace cw
