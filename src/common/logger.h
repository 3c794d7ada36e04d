#pragma once
// Logger: the sidecar's own log lines on stderr, one line each, one write(2)
// each so lines from several threads never interleave. Callers never pass
// secrets: credentials are only ever logged through Credentials::describe().
//
// Two formats: plain ("2024-05-01T12:00:00.123Z INFO message") for people, and
// JSON ({"time":"...","level":"info","msg":"..."}, one object per line) for
// log stores that index fields (CloudWatch Logs Insights, Loki).

#include <atomic>
#include <string_view>

namespace cw {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn"/"warning", "error"; false for anything else.
bool parse_log_level(std::string_view text, LogLevel& out);

enum class LogFormat { kPlain, kJson };

// "plain" or "json"; false for anything else.
bool parse_log_format(std::string_view text, LogFormat& out);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo, int fd = 2, LogFormat format = LogFormat::kPlain)
      : level_(level), fd_(fd), format_(format) {}

  bool enabled(LogLevel level) const { return level >= level_.load(std::memory_order_relaxed); }
  void log(LogLevel level, std::string_view message) const;
  void debug(std::string_view m) const { log(LogLevel::kDebug, m); }
  void info(std::string_view m) const { log(LogLevel::kInfo, m); }
  void warn(std::string_view m) const { log(LogLevel::kWarn, m); }
  void error(std::string_view m) const { log(LogLevel::kError, m); }

 private:
  std::atomic<LogLevel> level_;
  int fd_;
  LogFormat format_;
};

}  // namespace cw
