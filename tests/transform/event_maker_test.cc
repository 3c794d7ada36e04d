// EventMaker: which events a line becomes, what is set aside and why, and
// what is counted.

#include "transform/event_maker.h"

#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>
#include <vector>

namespace cw::transform {
namespace {

constexpr std::int64_t kNow = 1'714'564'800'000;   // 2024-05-01T12:00:00Z, the read time
constexpr std::int64_t kDay = 24LL * 3600 * 1000;

struct Sent {
  std::int64_t timestamp_ms;
  std::string message;
  bool operator==(const Sent&) const = default;
};

class RecordingSink final : public EventSink {
 public:
  bool send(std::int64_t timestamp_ms, std::string_view message) override {
    if (sent.size() >= room) return false;
    sent.push_back({timestamp_ms, std::string(message)});
    return true;
  }
  void set_aside(std::string_view reason, std::int64_t timestamp_ms, std::string_view message) override {
    aside.push_back({std::string(reason), {timestamp_ms, std::string(message)}});
  }
  std::vector<Sent> sent;
  std::vector<std::pair<std::string, Sent>> aside;
  std::size_t room = SIZE_MAX;
};

class EventMakerTest : public ::testing::Test {
 protected:
  EventMaker maker(WindowPolicy policy = WindowPolicy::kRestamp, std::size_t max_message = 1'048'550) {
    EventMakerOptions options;
    options.line.max_message_bytes = max_message;
    options.window_policy = policy;
    return EventMaker(options, counters_);
  }
  static ReadLine whole(std::string_view text) { return ReadLine{text, 0, true, 7, 100}; }

  Counters counters_;
  RecordingSink sink_;
};

TEST_F(EventMakerTest, AJsonLineIsOneEventStampedFromItsTimestamp) {
  auto m = maker();
  EXPECT_TRUE(m.make(whole(R"({"@timestamp":"2024-05-01T11:59:00Z","msg":"hi","logger":"x"})"), kNow, sink_));
  EXPECT_EQ(sink_.sent, (std::vector<Sent>{{kNow - 60'000, R"({"msg":"hi"})"}}));
  EXPECT_EQ(counters_.lines_read.load(), 1u);
  EXPECT_EQ(counters_.events_json.load(), 1u);
}

TEST_F(EventMakerTest, AnEmptyLineIsCountedAndSendsNothing) {
  auto m = maker();
  EXPECT_TRUE(m.make(whole("  \r"), kNow, sink_));
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_EQ(counters_.lines_read.load(), 1u);
  EXPECT_EQ(counters_.lines_empty.load(), 1u);
}

TEST_F(EventMakerTest, ALineTooLongOnceRewrittenIsCutIntoPiecesThatRejoin) {
  auto m = maker(WindowPolicy::kRestamp, 200);
  const std::string line = R"({"msg":")" + std::string(500, 'a') + R"("})";
  EXPECT_TRUE(m.make(whole(line), kNow, sink_));
  ASSERT_GE(sink_.sent.size(), 3u);
  std::string rejoined;
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < sink_.sent.size(); ++i) {
    const Sent& piece = sink_.sent[i];
    EXPECT_LE(piece.message.size(), 200u);
    EXPECT_EQ(piece.timestamp_ms, kNow);
    const simdjson::dom::element doc = parser.parse(piece.message);
    EXPECT_EQ(std::string(doc["@split"]["id"].get_string().value()), "7:100");
    EXPECT_EQ(doc["@split"]["part"].get_int64().value(), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(doc["@split"]["last"].get_bool().value(), i + 1 == sink_.sent.size());
    rejoined += std::string(doc["text"].get_string().value());
  }
  EXPECT_EQ(rejoined, line);  // the line as read, not as rewritten
  EXPECT_EQ(counters_.lines_split.load(), sink_.sent.size() - 1);
  EXPECT_EQ(counters_.lines_read.load(), sink_.sent.size());
}

TEST_F(EventMakerTest, ALineReadInPiecesKeepsOneSplitIdAcrossThem) {
  auto m = maker(WindowPolicy::kRestamp, 200);
  const std::string first(150, 'x');
  const std::string second(150, 'y');
  EXPECT_TRUE(m.make(ReadLine{first, 1, false, 9, 0}, kNow, sink_));
  EXPECT_TRUE(m.make(ReadLine{second, 2, true, 9, 0}, kNow, sink_));
  std::string rejoined;
  simdjson::dom::parser parser;
  for (const Sent& piece : sink_.sent) {
    const simdjson::dom::element doc = parser.parse(piece.message);
    EXPECT_EQ(std::string(doc["@split"]["id"].get_string().value()), "9:0");
    rejoined += std::string(doc["text"].get_string().value());
  }
  EXPECT_EQ(rejoined, first + second);
}

TEST_F(EventMakerTest, AnOldEventIsRestampedWithItsTimeKeptInTheMessage) {
  auto m = maker(WindowPolicy::kRestamp);
  EXPECT_TRUE(m.make(whole(R"({"@timestamp":"2024-04-01T12:00:00Z","msg":"late"})"), kNow, sink_));
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].timestamp_ms, kNow);
  EXPECT_EQ(sink_.sent[0].message, R"({"@original_timestamp":"2024-04-01T12:00:00.000Z","msg":"late"})");
  EXPECT_EQ(counters_.events_restamped.load(), 1u);
}

TEST_F(EventMakerTest, WithSetAsideAnEventOutsideTheWindowIsSetAsideWithItsReason) {
  auto m = maker(WindowPolicy::kSetAside);
  EXPECT_TRUE(m.make(whole(R"({"@timestamp":"2024-04-01T12:00:00Z","msg":"late"})"), kNow, sink_));
  EXPECT_TRUE(m.make(whole(R"({"@timestamp":"2024-05-02T12:00:00Z","msg":"early"})"), kNow, sink_));
  EXPECT_TRUE(sink_.sent.empty());
  ASSERT_EQ(sink_.aside.size(), 2u);
  EXPECT_EQ(sink_.aside[0].first, "too_old");
  EXPECT_EQ(sink_.aside[0].second, (Sent{kNow - 30 * kDay, R"({"msg":"late"})"}));
  EXPECT_EQ(sink_.aside[1].first, "too_new");
  EXPECT_EQ(counters_.events_set_aside_window.load(), 2u);
}

TEST_F(EventMakerTest, WithSendAnEventOutsideTheWindowIsSentAsItIs) {
  auto m = maker(WindowPolicy::kSend);
  EXPECT_TRUE(m.make(whole(R"({"@timestamp":"2024-04-01T12:00:00Z","msg":"late"})"), kNow, sink_));
  EXPECT_EQ(sink_.sent, (std::vector<Sent>{{kNow - 30 * kDay, R"({"msg":"late"})"}}));
}

TEST_F(EventMakerTest, ASinkThatCannotTakeAnEventStopsTheLine) {
  auto m = maker(WindowPolicy::kRestamp, 200);
  sink_.room = 1;
  EXPECT_FALSE(m.make(whole(std::string(500, 'z')), kNow, sink_));
  EXPECT_EQ(sink_.sent.size(), 1u);
}

}  // namespace
}  // namespace cw::transform
