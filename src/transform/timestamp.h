#pragma once
// Timestamps of log lines, to milliseconds since the Unix epoch.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "transform/local_time.h"

namespace cw::transform {

// ISO 8601 / RFC 3339: "2024-05-01T12:00:00", optional fraction of any length,
// 'T' or ' ' between date and time, then 'Z', "+hh:mm", "+hhmm", "+hh" or nothing.
// Without an offset the time is in the process's local zone (TZ), as the seed's
// datetime.fromisoformat(...).timestamp() does.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// As parse_iso8601_ms, for the timestamps of one stream of lines (each
// LineTransformer owns one). It remembers the zone offset of the last hour
// converted, the date and time to the minute of the last timestamp, and the
// last offset written out ("+01:00", "Z"): consecutive log lines mostly share
// them, and then only the seconds and milliseconds are read.
class Iso8601Parser {
 public:
  std::optional<std::int64_t> parse_ms(std::string_view text);

 private:
  LocalTimeConverter local_;
  std::array<char, 16> minute_text_{};  // "YYYY-MM-DDTHH:MM" of the last timestamp
  bool minute_known_ = false;
  std::int64_t minute_wall_seconds_ = 0;
  std::array<char, 8> offset_text_{};  // as written; empty (size 0) until one is seen
  std::size_t offset_size_ = 0;
  std::int64_t offset_seconds_ = 0;
};

// A numeric timestamp: epoch seconds (may have a fraction) when below 1e11,
// epoch milliseconds otherwise. `text` is the number as written in the JSON.
std::optional<std::int64_t> parse_epoch_ms(std::string_view text);

}  // namespace cw::transform
