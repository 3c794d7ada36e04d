#include "transform/local_time.h"

#include <ctime>

#include "transform/civil_time.h"

namespace cw::transform {
namespace {

constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kSecondsPerDay = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// The wall-clock time at instant `utc`, counted as UTC seconds.
std::int64_t wall_at(std::int64_t utc) {
  const std::time_t t = static_cast<std::time_t>(utc);
  std::tm tm{};
  if (localtime_r(&t, &tm) == nullptr) return utc;  // out of the C library's range: assume UTC
  return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * kSecondsPerDay +
         tm.tm_hour * kSecondsPerHour + tm.tm_min * 60 + tm.tm_sec;
}

// Solves wall_at(u) == wall for u, choosing as Python's datetime._mktime does
// with fold=0. Offsets are probed at nearby instants because a zone has at
// most two offsets around any wall-clock time.
std::int64_t solve_utc(std::int64_t wall) {
  const std::int64_t offset_a = wall_at(wall) - wall;
  const std::int64_t u1 = wall - offset_a;
  const std::int64_t wall1 = wall_at(u1);
  std::int64_t offset_b = 0;
  if (wall1 == wall) {
    // One solution; an earlier one exists only if the offset a day before differs.
    const std::int64_t earlier = u1 - kSecondsPerDay;
    offset_b = wall_at(earlier) - earlier;
    if (offset_b == offset_a) return u1;
  } else {
    offset_b = wall1 - u1;
  }
  const std::int64_t u2 = wall - offset_b;
  if (wall_at(u2) == wall) return u2;
  if (wall1 == wall) return u1;
  // Neither offset yields `wall`: it was skipped by a forward jump.
  return u1 > u2 ? u1 : u2;
}

}  // namespace

std::int64_t LocalTimeConverter::to_utc_seconds(std::int64_t wall_seconds) {
  const std::int64_t hour = floor_div(wall_seconds, kSecondsPerHour);
  if (cached_ && hour == cached_hour_) return wall_seconds - cached_offset_;
  const std::int64_t utc = solve_utc(wall_seconds);
  // Cache only when the whole hour shares one offset; zones with transitions
  // off the hour are then still converted exactly, just without the cache.
  const std::int64_t hour_start = hour * kSecondsPerHour;
  const std::int64_t start_offset = hour_start - solve_utc(hour_start);
  const std::int64_t end_offset = hour_start + kSecondsPerHour - 1 - solve_utc(hour_start + kSecondsPerHour - 1);
  if (start_offset == end_offset && start_offset == wall_seconds - utc) {
    cached_ = true;
    cached_hour_ = hour;
    cached_offset_ = start_offset;
  }
  return utc;
}

}  // namespace cw::transform
