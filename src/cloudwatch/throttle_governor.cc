#include "cloudwatch/throttle_governor.h"

#include <algorithm>

namespace cw::cloudwatch {

ThrottleGovernor::ThrottleGovernor(int max_in_flight)
    : max_(std::max(1, max_in_flight)), limit_(static_cast<double>(max_)) {}

bool ThrottleGovernor::acquire() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return cancelled_ || in_flight_ < static_cast<int>(limit_); });
  if (cancelled_) return false;
  ++in_flight_;
  return true;
}

void ThrottleGovernor::release(bool throttled) {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
    if (throttled) {
      limit_ = std::max(1.0, limit_ / 2);
    } else {
      limit_ = std::min(static_cast<double>(max_), limit_ + 1.0 / limit_);
    }
  }
  changed_.notify_all();
}

void ThrottleGovernor::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
}

double ThrottleGovernor::limit() const {
  std::lock_guard lock(mutex_);
  return limit_;
}

}  // namespace cw::cloudwatch
