#pragma once
// Parses the timestamps credential sources put in "Expiration": ISO 8601 /
// RFC 3339 in UTC or with an offset, e.g. "2026-01-02T03:04:05Z",
// "2026-01-02T03:04:05.123Z", "2026-01-02T03:04:05+00:00".

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cw::aws {

// nullopt when `text` is not such a timestamp, or is before 1678; a time
// after 2261, beyond what the system clock holds, reads as its end.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

// "2026-01-02T03:04:05Z": for messages and metrics (never a secret).
std::string format_iso8601(std::chrono::system_clock::time_point time);

// `time` in UTC by a strftime format of at most 31 characters once written
// (SigV4's "%Y%m%dT%H%M%SZ", ISO 8601's).
std::string format_utc(std::chrono::system_clock::time_point time, const char* strftime_format);

}  // namespace cw::aws
