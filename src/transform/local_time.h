#pragma once
// Local wall-clock time to UTC, for timestamps written without an offset.

#include <cstdint>

namespace cw::transform {

// Converts wall-clock times of the process's local zone (TZ) to UTC the way
// Python's naive datetime.timestamp() does: an ambiguous time (clocks going
// back) takes the earlier instant, a skipped time (clocks going forward) takes
// the offset in force before the jump.
//
// The zone lookup costs a localtime_r call or more, so the offset of the last
// wall-clock hour converted is remembered: a file of offset-less timestamps
// pays once per hour, not per line. Assumes TZ does not change while in use.
class LocalTimeConverter {
 public:
  // `wall_seconds`: the local date and time counted as if it were UTC seconds
  // since the epoch. Returns seconds since the epoch.
  std::int64_t to_utc_seconds(std::int64_t wall_seconds);

 private:
  bool cached_ = false;
  std::int64_t cached_hour_ = 0;    // wall_seconds / 3600 (floored) of the cache
  std::int64_t cached_offset_ = 0;  // wall - utc, in seconds
};

}  // namespace cw::transform
