#include "common/logger.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "common/json_escape.h"
#include "common/utf8.h"

namespace cw {
namespace {

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

std::string_view json_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

// A JSON string body: bytes that are not UTF-8 (a file name, say) replaced by
// U+FFFD first, so that the line always parses.
void append_json_string(std::string& out, std::string_view text) {
  if (is_ascii(text.data(), text.size())) {
    append_json_escaped(out, text);
    return;
  }
  std::string repaired(repaired_utf8_capacity(text.size()), '\0');
  repaired.resize(repair_utf8(text.data(), text.size(), repaired.data()));
  append_json_escaped(out, repaired);
}

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
  if (text == "debug") out = LogLevel::kDebug;
  else if (text == "info") out = LogLevel::kInfo;
  else if (text == "warn" || text == "warning") out = LogLevel::kWarn;
  else if (text == "error") out = LogLevel::kError;
  else return false;
  return true;
}

bool parse_log_format(std::string_view text, LogFormat& out) {
  if (text == "plain") out = LogFormat::kPlain;
  else if (text == "json") out = LogFormat::kJson;
  else return false;
  return true;
}

void Logger::log(LogLevel level, std::string_view message) const {
  if (!enabled(level)) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[32];
  const std::size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string line(stamp, n);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(millis));
  line += ms;
  if (format_ == LogFormat::kJson) {
    line.insert(0, R"({"time":")");
    line += R"(","level":")";
    line += json_level_name(level);
    line += R"(","msg":")";
    append_json_string(line, message);
    line += "\"}\n";
  } else {
    line += ' ';
    line += level_name(level);
    line += ' ';
    line += message;
    line += '\n';
  }
  // A failed write to stderr has nowhere to be reported.
  [[maybe_unused]] const auto written = ::write(fd_, line.data(), line.size());
}

}  // namespace cw
