// The checker must catch every violation, or the tests and benchmark runs
// that rely on it prove nothing.
#include "put_check.h"

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

bool mentions(const PutCheck& check, std::string_view text) { return check.error.find(text) != std::string::npos; }

TEST(StrictPutChecker, AcceptsAValidBodyAndUnescapesMessages) {
  const PutCheck check = check_put_log_events(body_with(event(1, R"(a\"b\\c\n\u00e9)") + "," + event(1, "x")));
  EXPECT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), 2u);
  EXPECT_EQ(check.events[0].message, "a\"b\\c\n\u00e9");
  EXPECT_EQ(check.payload_bytes, 8 + 26 + 1 + 26u);  // "é" is 2 bytes
}

TEST(StrictPutChecker, RejectsNoEvents) {
  EXPECT_TRUE(mentions(check_put_log_events(body_with("")), "at least one log event"));
}

TEST(StrictPutChecker, RejectsAnEmptyMessage) {
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, ""))), "at least 1 character"));
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
  EXPECT_TRUE(mentions(check_put_log_events(body_with(events_of(10'001, "x"))), "less than or equal to 10000"));
}

TEST(StrictPutChecker, CountsUnescapedBytesAgainstTheBatchLimit) {
  // 2 x (524,262 + 26) = 1,048,576: fits, though escaping makes the body larger.
  const std::string half(524'262 - 1, 'a');
  EXPECT_TRUE(check_put_log_events(body_with(event(1, half + R"(\")") + "," + event(1, half + R"(\n)"))).ok());
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, half + "ab") + "," + event(1, half + "a"))),
                       "Upload too large"));
}

TEST(StrictPutChecker, RejectsAMessageOverTheCap) {
  const PutCheck check = check_put_log_events(body_with(event(1, std::string(1'048'551, 'a'))));
  EXPECT_TRUE(mentions(check, "exceeds limit of 1048550"));
  PutCheckOptions old_limit;
  old_limit.limits.max_message_bytes = 262'118;
  EXPECT_TRUE(mentions(check_put_log_events(body_with(event(1, std::string(262'119, 'a'))), old_limit),
                       "exceeds limit of 262118"));
}

TEST(StrictPutChecker, RejectsInvalidUtf8AndBrokenJson) {
  EXPECT_FALSE(check_put_log_events(body_with(event(1, "\xff\xfe"))).ok());
  EXPECT_FALSE(check_put_log_events(body_with(event(1, "\xc3"))).ok());
  EXPECT_FALSE(check_put_log_events(body_with(event(1, R"(\ud800)"))).ok());
  EXPECT_FALSE(check_put_log_events(R"({"logGroupName":"g")").ok());
  EXPECT_EQ(check_put_log_events(R"({"logGroupName":"g")").error_type, "SerializationException");
  EXPECT_TRUE(mentions(check_put_log_events(R"({"logStreamName":"s","logEvents":[)" + event(1, "x") + "]}"),
                       "logGroupName"));
}

TEST(StrictPutChecker, RejectsASequenceTokenUnlessAskedToAllowIt) {
  const std::string body = R"({"logGroupName":"g","logStreamName":"s","sequenceToken":"1","logEvents":[)" +
                           event(1, "x") + "]}";
  EXPECT_TRUE(mentions(check_put_log_events(body), "sequenceToken"));
  PutCheckOptions lenient;
  lenient.allow_sequence_token = true;
  EXPECT_TRUE(check_put_log_events(body, lenient).ok());
}

TEST(StrictPutChecker, CollectsTheTraceNumbersOfTheBenchmarksLines) {
  PutCheckOptions options;
  options.collect_traces = true;
  const PutCheck check = check_put_log_events(
      body_with(event(1, R"({\"bench_seq\":7,\"a\":1})") + "," + event(2, R"({\"bench_seq\": 8})")), options);
  ASSERT_TRUE(check.ok()) << check.summary();
  EXPECT_EQ(check.trace_seqs, (std::vector<std::uint64_t>{7, 8}));
  EXPECT_TRUE(check.events.empty());  // not asked to keep them
  EXPECT_EQ(check.event_count, 2u);
}

}  // namespace
}  // namespace cw::testing
