#pragma once
// Timestamps of log lines, to milliseconds since the Unix epoch.

#include <cstdint>
#include <optional>
#include <string_view>

namespace cw::transform {

// ISO 8601 / RFC 3339: "2024-05-01T12:00:00", optional fraction of any length,
// 'T' or ' ' between date and time, then 'Z', "+hh:mm", "+hhmm", "+hh" or nothing.
// Without an offset the time is in the process's local zone (TZ), as the seed's
// datetime.fromisoformat(...).timestamp() does.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

class LocalTimeConverter;  // transform/local_time.h

// As above, converting offset-less times with `local`, which remembers the zone
// offset of the last hour seen (each LineTransformer owns one).
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text, LocalTimeConverter& local);

// A numeric timestamp: epoch seconds (may have a fraction) when below 1e11,
// epoch milliseconds otherwise. `text` is the number as written in the JSON.
std::optional<std::int64_t> parse_epoch_ms(std::string_view text);

}  // namespace cw::transform
