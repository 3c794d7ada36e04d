#include "cloudwatch/batch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cloudwatch/request_body.h"
#include "put_check.h"

namespace cw::cloudwatch {
namespace {

using cw::testing::check_put_log_events;
using cw::testing::PutCheck;

constexpr std::int64_t kT0 = 1'714'564'800'000;  // 2024-05-01T12:00:00Z
constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::size_t kMaxBatchBytes = 1'048'576;
constexpr std::size_t kOverhead = 26;
constexpr std::size_t kMaxMessage = kMaxBatchBytes - kOverhead;

std::string repeat(std::string_view unit, std::size_t times) {
  std::string out;
  out.reserve(unit.size() * times);
  for (std::size_t i = 0; i < times; ++i) out.append(unit);
  return out;
}

// The body as sent to `group`/`stream`, its pieces joined.
std::string body_text(Batch& batch, std::string_view group, std::string_view stream) {
  batch.set_destination(group, stream);
  std::string body;
  for (std::string_view part : batch.body_parts()) body.append(part);
  return body;
}

PutCheck body_of(Batch& batch) { return check_put_log_events(body_text(batch, "group", "stream")); }

class BatchTest : public ::testing::Test {
 protected:
  Batch batch_{Limits{}};
};

// ---- bytes ------------------------------------------------------------------

TEST_F(BatchTest, SingleMessageAtTheByteCapFitsOneMoreByteDoesNot) {
  EXPECT_TRUE(batch_.fits(kMaxMessage, kT0));
  EXPECT_FALSE(batch_.fits(kMaxMessage + 1, kT0));
  batch_.add(kT0, std::string(kMaxMessage, 'a'));
  EXPECT_EQ(batch_.payload_bytes(), kMaxBatchBytes);
  EXPECT_FALSE(batch_.fits(1, kT0));
  const PutCheck check = body_of(batch_);
  EXPECT_TRUE(check.ok()) << check.summary();
  EXPECT_EQ(check.payload_bytes, kMaxBatchBytes);
}

TEST_F(BatchTest, SumOfBytesPlusOverheadExactlyAtTheLimitFits) {
  batch_.add(kT0, std::string(1000, 'a'));
  batch_.add(kT0, std::string(2000, 'b'));
  const std::size_t used = 1000 + 2000 + 2 * kOverhead;
  ASSERT_EQ(batch_.payload_bytes(), used);
  const std::size_t room = kMaxBatchBytes - used - kOverhead;  // message bytes that exactly fill it
  EXPECT_TRUE(batch_.fits(room, kT0));
  EXPECT_FALSE(batch_.fits(room + 1, kT0));
  batch_.add(kT0, std::string(room, 'c'));
  EXPECT_EQ(batch_.payload_bytes(), kMaxBatchBytes);
  EXPECT_FALSE(batch_.fits(1, kT0));
  const PutCheck check = body_of(batch_);
  EXPECT_TRUE(check.ok()) << check.summary();
}

TEST_F(BatchTest, MultiByteMessagesCountBytesNotCharacters) {
  const std::string euro = repeat("\u20ac", 1000);  // 3 bytes each
  ASSERT_EQ(euro.size(), 3000u);
  batch_.add(kT0, euro);
  EXPECT_EQ(batch_.payload_bytes(), 3000 + kOverhead);

  const std::string emoji = repeat("\U0001F600", 10);  // 4 bytes each
  batch_.add(kT0, emoji);
  EXPECT_EQ(batch_.payload_bytes(), 3000 + 40 + 2 * kOverhead);

  const std::size_t room = kMaxBatchBytes - batch_.payload_bytes() - kOverhead;
  EXPECT_TRUE(batch_.fits(room, kT0));
  EXPECT_FALSE(batch_.fits(room + 1, kT0));
}

TEST_F(BatchTest, EscapingDoesNotCountTowardsTheLimit) {
  // CloudWatch counts the message, not its JSON encoding.
  const std::string quotes(100, '"');
  batch_.add(kT0, quotes);
  batch_.add(kT0, std::string(50, '\x01'));  // 6 bytes each once escaped
  EXPECT_EQ(batch_.payload_bytes(), 150 + 2 * kOverhead);
}

// ---- event count ------------------------------------------------------------

TEST_F(BatchTest, TenThousandEventsFitTheNextDoesNot) {
  for (int i = 0; i < 9'999; ++i) batch_.add(kT0 + i, "x");
  EXPECT_TRUE(batch_.fits(1, kT0));
  batch_.add(kT0, "x");
  EXPECT_EQ(batch_.event_count(), 10'000u);
  EXPECT_FALSE(batch_.fits(1, kT0));
  const PutCheck check = body_of(batch_);
  EXPECT_TRUE(check.ok()) << check.summary();
  EXPECT_EQ(check.events.size(), 10'000u);
}

// ---- 24-hour span -----------------------------------------------------------

TEST_F(BatchTest, SpanOfExactlyTwentyFourHoursFitsOneMillisecondMoreDoesNot) {
  batch_.add(kT0, "first");
  EXPECT_TRUE(batch_.fits(1, kT0 + kDay));
  EXPECT_FALSE(batch_.fits(1, kT0 + kDay + 1));
  // A new event earlier than the first one.
  EXPECT_TRUE(batch_.fits(1, kT0 - kDay));
  EXPECT_FALSE(batch_.fits(1, kT0 - kDay - 1));
}

TEST_F(BatchTest, SpanIsMeasuredFromTheEarliestAndTheLatestEvent) {
  batch_.add(kT0, "a");
  batch_.add(kT0 - 10 * 3600 * 1000, "earlier");  // 10 h before the first one
  EXPECT_TRUE(batch_.fits(1, kT0 + 14 * 3600 * 1000));
  EXPECT_FALSE(batch_.fits(1, kT0 + 14 * 3600 * 1000 + 1));

  batch_.add(kT0 + 14 * 3600 * 1000, "latest");  // span now exactly 24 h
  EXPECT_TRUE(batch_.fits(1, kT0 - 10 * 3600 * 1000));
  EXPECT_FALSE(batch_.fits(1, kT0 - 10 * 3600 * 1000 - 1));
  const PutCheck check = body_of(batch_);
  EXPECT_TRUE(check.ok()) << check.summary();
}

TEST_F(BatchTest, CustomLimitsAreHonoured) {
  Limits limits;
  limits.max_batch_events = 3;
  limits.max_batch_bytes = 100;
  limits.max_span_ms = 1000;
  Batch small(limits);
  small.add(0, "a");
  small.add(1000, "b");
  EXPECT_FALSE(small.fits(1, 1001));
  EXPECT_TRUE(small.fits(100 - 2 * 27 - 26, 500));
  EXPECT_FALSE(small.fits(100 - 2 * 27 - 26 + 1, 500));
  small.add(500, "c");
  EXPECT_FALSE(small.fits(1, 500));
}

// ---- body -------------------------------------------------------------------

TEST_F(BatchTest, BodyIsTheExactPutLogEventsInput) {
  batch_.add(1, "x");
  EXPECT_EQ(body_text(batch_, "my/group", "s_20240501"),
            R"({"logGroupName":"my/group","logStreamName":"s_20240501","logEvents":[{"timestamp":1,"message":"x"}]})");
}

TEST_F(BatchTest, BodySortsByTimestampKeepingTheAddOrderOfEqualTimestamps) {
  batch_.add(kT0 + 3, "c1");
  batch_.add(kT0 + 1, "a1");
  batch_.add(kT0 + 3, "c2");
  batch_.add(kT0 + 2, "b1");
  batch_.add(kT0 + 1, "a2");
  batch_.add(kT0 + 3, "c3");
  batch_.add(kT0 + 1, "a3");
  const PutCheck check = body_of(batch_);
  ASSERT_TRUE(check.ok()) << check.summary();
  std::vector<std::string> order;
  for (const auto& e : check.events) order.push_back(e.message);
  EXPECT_EQ(order, (std::vector<std::string>{"a1", "a2", "a3", "b1", "c1", "c2", "c3"}));
  EXPECT_EQ(check.log_group, "group");
  EXPECT_EQ(check.log_stream, "stream");
}

TEST_F(BatchTest, BodyIsSortedAgainAfterLaterAdds) {
  batch_.add(kT0 + 5, "five");
  batch_.add(kT0 + 1, "one");
  body_text(batch_, "g", "s");
  batch_.add(kT0 + 3, "three");
  const PutCheck check = body_of(batch_);
  ASSERT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), 3u);
  EXPECT_EQ(check.events[0].message, "one");
  EXPECT_EQ(check.events[1].message, "three");
  EXPECT_EQ(check.events[2].message, "five");
}

TEST_F(BatchTest, InterleavedRunsAreSortedByPiecesOfTheTextNotByACopy) {
  // Two files read in turns: each run in order, the second earlier than the first.
  for (int i = 0; i < 3; ++i) batch_.add(kT0 + 10 + i, "a" + std::to_string(i));
  for (int i = 0; i < 3; ++i) batch_.add(kT0 + i, "b" + std::to_string(i));
  batch_.set_destination("g", "s");
  const std::size_t size = batch_.body_size();
  const auto& parts = batch_.body_parts();
  // names, the b run, the comma the first event added lacks, the a run, closing.
  ASSERT_EQ(parts.size(), 5u);
  std::string body;
  for (std::string_view part : parts) body.append(part);
  EXPECT_EQ(body.size(), size);
  const PutCheck check = check_put_log_events(body);
  ASSERT_TRUE(check.ok()) << check.summary();
  std::vector<std::string> order;
  for (const auto& e : check.events) order.push_back(e.message);
  EXPECT_EQ(order, (std::vector<std::string>{"b0", "b1", "b2", "a0", "a1", "a2"}));
  for (std::size_t i = 0; i < batch_.event_count(); ++i) {
    EXPECT_EQ(batch_.event_json(i), event_json(check.events[i].timestamp_ms, order[i]));
  }
}

TEST_F(BatchTest, ShuffledEventsMakeAValidBodyOfTheirOwnText) {
  std::vector<int> stamps(500);
  for (std::size_t i = 0; i < stamps.size(); ++i) stamps[i] = static_cast<int>((i * 7919) % stamps.size());
  for (const int stamp : stamps) batch_.add(kT0 + stamp, "m" + std::to_string(stamp));
  Batch half{Limits{}};
  batch_.copy_events_to(100, 200, half);
  const PutCheck check = body_of(batch_);
  ASSERT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), stamps.size());
  for (std::size_t i = 0; i < check.events.size(); ++i) {
    EXPECT_EQ(check.events[i].timestamp_ms, kT0 + static_cast<std::int64_t>(i));
    EXPECT_EQ(check.events[i].message, "m" + std::to_string(i));
  }
  const PutCheck half_check = body_of(half);
  ASSERT_TRUE(half_check.ok()) << half_check.summary();
  ASSERT_EQ(half_check.events.size(), 100u);
  EXPECT_EQ(half_check.events.front().message, "m100");
  EXPECT_EQ(half_check.events.back().message, "m199");
}

TEST_F(BatchTest, BodyEscapesQuotesBackslashesAndControlCharactersOnly) {
  const std::string message = "say \"hi\" C:\\dir\n\ttab\r\x01\x1f\b\f caf\u00e9 \u20ac \U0001F600 \u2028 \x7f";
  batch_.add(kT0, message);
  const std::string body = body_text(batch_, "g\"1", "s\\2");
  EXPECT_NE(body.find(R"(say \"hi\" C:\\dir\n\ttab\r\u0001\u001f\b\f caf)" "\u00e9 \u20ac \U0001F600 \u2028 \x7f"),
            std::string::npos)
      << body;
  const PutCheck check = check_put_log_events(body);
  ASSERT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), 1u);
  EXPECT_EQ(check.events[0].message, message);
  EXPECT_EQ(check.log_group, "g\"1");
  EXPECT_EQ(check.log_stream, "s\\2");
}

TEST_F(BatchTest, NegativeAndLargeTimestampsAreWrittenExactly) {
  batch_.add(-5, "before 1970");
  batch_.add(4'102'444'800'000, "2100");
  Limits wide;
  wide.max_span_ms = INT64_MAX;
  Batch any(wide);
  any.add(INT64_MIN, "min");
  any.add(INT64_MAX, "max");
  const std::string body = body_text(any, "g", "s");
  EXPECT_NE(body.find("\"timestamp\":-9223372036854775808,"), std::string::npos) << body;
  EXPECT_NE(body.find("\"timestamp\":9223372036854775807,"), std::string::npos) << body;
}

TEST_F(BatchTest, TimestampsOfTheSameAndNextSecondsAreWrittenExactly) {
  // Digits of a second are reused for its events; each must still be exact.
  const std::int64_t stamps[] = {1'714'564'800'000, 1'714'564'800'007, 1'714'564'800'050, 1'714'564'800'999,
                                 1'714'564'801'000, 999, 1'000, 1'714'564'801'120, 9'999'999'999'999, 10'000'000'000'000};
  Limits wide;
  wide.max_span_ms = INT64_MAX;
  Batch any(wide);
  for (const std::int64_t stamp : stamps) any.add(stamp, "m");
  ASSERT_EQ(any.event_count(), std::size(stamps));
  std::vector<std::int64_t> in_order(std::begin(stamps), std::end(stamps));
  std::sort(in_order.begin(), in_order.end());
  for (std::size_t i = 0; i < any.event_count(); ++i) {
    EXPECT_EQ(any.event_json(i), R"({"timestamp":)" + std::to_string(in_order[i]) + R"(,"message":"m"})");
  }
}

// ---- clear --------------------------------------------------------

TEST_F(BatchTest, ClearResetsEverything) {
  for (int i = 0; i < 10'000; ++i) batch_.add(kT0 + i, "y");
  EXPECT_FALSE(batch_.fits(1, kT0));
  batch_.clear();
  EXPECT_TRUE(batch_.empty());
  EXPECT_EQ(batch_.event_count(), 0u);
  EXPECT_EQ(batch_.payload_bytes(), 0u);
  EXPECT_TRUE(batch_.group().empty());
  EXPECT_TRUE(batch_.fits(kMaxMessage, kT0));

  // The span starts again from the next event, not from the old ones.
  const std::int64_t later = kT0 + 3 * kDay;
  batch_.add(later, "after clear");
  EXPECT_TRUE(batch_.fits(1, later - kDay));
  EXPECT_FALSE(batch_.fits(1, later - kDay - 1));
  const PutCheck check = body_of(batch_);
  ASSERT_TRUE(check.ok()) << check.summary();
  ASSERT_EQ(check.events.size(), 1u);
  EXPECT_EQ(check.events[0].message, "after clear");
}

}  // namespace
}  // namespace cw::cloudwatch
