#pragma once
// Pause: an interruptible sleep, the seam through which code that waits
// between retries is stopped (a hard stop) or, in tests, not kept waiting.

#include <chrono>

namespace cw {

class Pause {
 public:
  virtual ~Pause() = default;
  // Sleeps for `duration`; true when it was interrupted.
  virtual bool wait_for(std::chrono::milliseconds duration) = 0;
};

}  // namespace cw
