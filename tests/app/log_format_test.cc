// LOG_FORMAT=json: one JSON object per line with time, level and msg, whatever
// the message holds; plain stays as it was.

#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <string>

#include "common/logger.h"

namespace cw {
namespace {

// What one log call writes, through a pipe.
std::string capture(LogFormat format, LogLevel level, std::string_view message) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  {
    const Logger log(LogLevel::kDebug, fds[1], format);
    log.log(level, message);
  }
  ::close(fds[1]);
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  return out;
}

TEST(LogFormat, ParsesTheSettingValues) {
  LogFormat f = LogFormat::kPlain;
  EXPECT_TRUE(parse_log_format("json", f));
  EXPECT_EQ(f, LogFormat::kJson);
  EXPECT_TRUE(parse_log_format("plain", f));
  EXPECT_EQ(f, LogFormat::kPlain);
  EXPECT_FALSE(parse_log_format("JSON ", f));
}

TEST(LogFormat, PlainLine) {
  const std::string line = capture(LogFormat::kPlain, LogLevel::kWarn, "disk is slow");
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARN disk is slow\n)")))
      << line;
}

TEST(LogFormat, JsonLine) {
  const std::string line = capture(LogFormat::kJson, LogLevel::kError, "stopped: lines=3");
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"error","msg":"stopped: lines=3"\}\n)")))
      << line;
}

TEST(LogFormat, JsonEscapesAndRepairsTheMessage) {
  const std::string message = std::string("file \"a\\b\"\tline\n\x01 Zo\xc3\xab bad:\xff\xc3 end");
  const std::string line = capture(LogFormat::kJson, LogLevel::kInfo, message);
  const auto start = line.find(R"("msg":")");
  ASSERT_NE(start, std::string::npos);
  EXPECT_EQ(line.substr(start),
            std::string(R"("msg":"file \"a\\b\"\tline\n\u0001 Zo)") + "\xc3\xab" + " bad:\xef\xbf\xbd\xef\xbf\xbd end\"}\n");
}

}  // namespace
}  // namespace cw
