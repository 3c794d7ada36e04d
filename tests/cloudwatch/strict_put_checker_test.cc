// The checker must catch every violation, or tests that rely on it prove nothing.
#include "strict_put_checker.h"

#include <gtest/gtest.h>

#include <string>

namespace cw::testing {
namespace {

std::string body_with(const std::string& events) {
  return R"({"logGroupName":"g","logStreamName":"s","logEvents":[)" + events + "]}";
}

std::string event(std::int64_t ts, const std::string& escaped_message) {
  return R"({"timestamp":)" + std::to_string(ts) + R"(,"message":")" + escaped_message + "\"}";
}

std::string events_of(std::size_t count, const std::string& message) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i ? "," : "") + event(1, message);
  return out;
}

bool mentions(const PutCheck& check, std::string_view text) {
  for (const auto& v : check.violations) {
    if (v.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(StrictPutChecker, AcceptsAValidBodyAndUnescapesMessages) {
  const PutCheck check = check_put_log_events(body_with(event(1, R"(a\"b\\c\n\u00e9)") + "," + event(1, "x")));
  EXPECT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), 2u);
  EXPECT_EQ(check.events[0].message, "a\"b\\c\n\u00e9");
  EXPECT_EQ(check.payload_bytes, 8 + 26 + 1 + 26u);  // "é" is 2 bytes
}

TEST(StrictPutChecker, RejectsNoEvents) {
  EXPECT_TRUE(mentions(check_put_log_events(body_with("")), "no events"));
}

TEST(StrictPutChecker, RejectsAnEmptyMessage) {
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, ""))), "empty message"));
}

TEST(StrictPutChecker, RejectsTimestampsOutOfOrder) {
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(2, "a") + "," + event(1, "b"))), "chronological"));
}

TEST(StrictPutChecker, RejectsASpanOverTwentyFourHours) {
  const std::int64_t day = 24LL * 3600 * 1000;
  EXPECT_TRUE(check_put_log_events(body_with(event(0, "a") + "," + event(day, "b"))).ok());
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(0, "a") + "," + event(day + 1, "b"))), "span"));
}

TEST(StrictPutChecker, RejectsTooManyEvents) {
  EXPECT_TRUE(check_put_log_events(body_with(events_of(10'000, "x"))).ok());
  EXPECT_TRUE(mentions(check_put_log_events(body_with(events_of(10'001, "x"))), "10001 events"));
}

TEST(StrictPutChecker, CountsUnescapedBytesAgainstTheBatchLimit) {
  // 2 x (524,262 + 26) = 1,048,576: fits, though escaping makes the body larger.
  const std::string half(524'262 - 1, 'a');
  EXPECT_TRUE(check_put_log_events(body_with(event(1, half + R"(\")") + "," + event(1, half + R"(\n)"))).ok());
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, half + "ab") + "," + event(1, half + "a"))),
                       "payload bytes"));
}

TEST(StrictPutChecker, RejectsAMessageOverTheCap) {
  const PutCheck check = check_put_log_events(body_with(event(1, std::string(1'048'551, 'a'))));
  EXPECT_TRUE(mentions(check, "exceeds 1048550"));
  PutLimits old_limit;
  old_limit.max_message_bytes = 262'118;
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, std::string(262'119, 'a'))), old_limit),
                       "exceeds 262118"));
}

TEST(StrictPutChecker, RejectsInvalidUtf8AndBrokenJson) {
  EXPECT_FALSE(check_put_log_events(body_with(event(1, "\xff\xfe"))).ok());
  EXPECT_FALSE(check_put_log_events(body_with(event(1, "\xc3"))).ok());
  EXPECT_FALSE(check_put_log_events(body_with(event(1, R"(\ud800)"))).ok());
  EXPECT_FALSE(check_put_log_events(R"({"logGroupName":"g")").ok());
  EXPECT_TRUE(mentions(check_put_log_events(R"({"logStreamName":"s","logEvents":[]})"), "logGroupName"));
}

}  // namespace
}  // namespace cw::testing
