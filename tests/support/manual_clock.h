#pragma once
// ManualClock: a MonotonicClock that moves only when the test says so. It
// starts at the clock's epoch, the reading of a machine that has just booted,
// which is where "time_point{} means never" bugs show.

#include "common/clock.h"

namespace cw::testing {

class ManualClock final : public MonotonicClock {
 public:
  explicit ManualClock(time_point start = time_point{}) : now_(start) {}
  time_point now() const override { return now_; }
  void advance(duration by) { now_ += by; }

 private:
  time_point now_;
};

}  // namespace cw::testing
