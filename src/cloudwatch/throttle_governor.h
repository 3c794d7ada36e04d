#pragma once
// ThrottleGovernor: how many PutLogEvents requests may be in flight at once,
// for the whole process. Additive increase (one more per limit's worth of
// successes), multiplicative decrease (halved on each throttle, never below
// one), so a throttled account is not hammered and a healthy one is filled.

#include <condition_variable>
#include <mutex>

namespace cw::cloudwatch {

class ThrottleGovernor {
 public:
  explicit ThrottleGovernor(int max_in_flight);

  // Blocks until a request may start; false when cancel() was called.
  bool acquire();
  void release(bool throttled);
  void cancel();  // wakes every waiter for good (hard stop)

  double limit() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  const int max_;
  double limit_;
  int in_flight_ = 0;
  bool cancelled_ = false;
};

}  // namespace cw::cloudwatch
