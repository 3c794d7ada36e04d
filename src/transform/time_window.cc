#include "transform/time_window.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace cw::transform {

bool parse_window_policy(std::string_view text, WindowPolicy& out) {
  if (text == "restamp") out = WindowPolicy::kRestamp;
  else if (text == "send") out = WindowPolicy::kSend;
  else if (text == "set-aside" || text == "set_aside") out = WindowPolicy::kSetAside;
  else return false;
  return true;
}

TimeWindow TimeWindow::for_retention_days(int retention_days) {
  TimeWindow window;
  if (retention_days > 0 && retention_days < 14) {
    window.max_age_ms = std::min<std::int64_t>(window.max_age_ms, retention_days * 24LL * 3600 * 1000 - 10 * 60 * 1000);
  }
  return window;
}

WindowVerdict TimeWindow::check(std::int64_t timestamp_ms, std::int64_t now_ms) const {
  if (now_ms - timestamp_ms > max_age_ms) return WindowVerdict::kTooOld;
  if (timestamp_ms - now_ms > max_ahead_ms) return WindowVerdict::kTooNew;
  return WindowVerdict::kInside;
}

void restamp_message(std::string& out, std::string_view message, std::int64_t original_ms) {
  const std::int64_t seconds = original_ms >= 0 ? original_ms / 1000 : (original_ms - 999) / 1000;
  const auto millis = static_cast<int>(original_ms - seconds * 1000);
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[64];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", millis);
  out.assign(R"({"@original_timestamp":")");
  out.append(stamp, n).append(fraction).push_back('"');
  std::string_view rest = message.substr(1);  // after '{'
  const auto first = rest.find_first_not_of(" \t");
  if (first != std::string_view::npos && rest[first] != '}') out.push_back(',');
  out.append(rest);
}

}  // namespace cw::transform
