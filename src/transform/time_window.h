#pragma once
// TimeWindow: the span of timestamps CloudWatch stores. Events older than 14
// days (or the group's retention) or more than 2 hours ahead are rejected by
// the service while the rest of the batch is stored, so they are recognised
// before sending and follow a policy:
//   restamp   (default) send with the read time; the original time is kept in
//             the message as "@original_timestamp", so nothing is lost and
//             the line is searchable
//   send      send as is and let the service reject it (counted)
//   set-aside write it to the dead-letter file instead of sending it
// A margin keeps events that are barely inside from expiring on the way.

#include <cstdint>
#include <string>
#include <string_view>

namespace cw::transform {

enum class WindowPolicy { kRestamp, kSend, kSetAside };
enum class WindowVerdict { kInside, kTooOld, kTooNew };

// "restamp", "send", "set-aside"; false for anything else.
bool parse_window_policy(std::string_view text, WindowPolicy& out);

struct TimeWindow {
  std::int64_t max_age_ms = 14LL * 24 * 3600 * 1000 - 10 * 60 * 1000;  // 14 days less a margin
  std::int64_t max_ahead_ms = 2LL * 3600 * 1000 - 10 * 60 * 1000;       // 2 hours less a margin

  static TimeWindow for_retention_days(int retention_days);  // 0: the 14-day default
  WindowVerdict check(std::int64_t timestamp_ms, std::int64_t now_ms) const;
};

// Replaces `out` with the JSON-object message `message` carrying its original
// time as the first field: {"@original_timestamp":"2024-05-01T12:00:00.000Z",...}.
void restamp_message(std::string& out, std::string_view message, std::int64_t original_ms);

}  // namespace cw::transform
