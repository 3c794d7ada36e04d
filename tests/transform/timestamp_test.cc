#include "transform/timestamp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "transform/local_time.h"
#include "scoped_time_zone.h"

namespace cw::transform {
namespace {

constexpr std::int64_t kNoon = 1714564800000;  // 2024-05-01T12:00:00Z

TEST(Iso8601, UtcDesignator) {
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00Z"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso8601_ms("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(parse_iso8601_ms("2000-02-29T00:00:00Z"), 951782400000);
}

TEST(Iso8601, NumericOffsets) {
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00+05:30"), 1714545000000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00-0800"), kNoon + 8 * 3600000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00+01"), kNoon - 3600000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00-08:00"), kNoon + 8 * 3600000);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00+00:00"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00-00:00"), kNoon);
}

TEST(Iso8601, FractionOfAnyLengthTruncatesToMilliseconds) {
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.Z"), std::nullopt);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.1Z"), kNoon + 100);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.12Z"), kNoon + 120);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.123Z"), kNoon + 123);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.1239Z"), kNoon + 123);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.999999Z"), kNoon + 999);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.123456789-0800"), 1714593600123);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00.000000000001+00:00"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00:00,5Z"), kNoon + 500);
}

TEST(Iso8601, SeparatorsAndShortForms) {
  EXPECT_EQ(parse_iso8601_ms("2024-05-01 12:00:00Z"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12:00Z"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T12Z"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01x12:00:00Z"), std::nullopt);
}

TEST(Iso8601, RejectsInvalidDatesAndGarbage) {
  for (const char* text :
       {"2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z",
        "2024-05-01T12:00:60Z", "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00+05:60",
        "2024-05-01T12:00:00Zjunk", "2024-05-01T12:00:00 ", "2024-05-01T", "2024-5-1",
        "0000-01-01", "", "hello", "1714564800", "2024-05-01T12:00:00+5",
        "2024-05-01T12:00:00+05:3"}) {
    EXPECT_EQ(parse_iso8601_ms(text), std::nullopt) << text;
  }
}

TEST(Iso8601, NoOffsetUsesLocalZoneLikePython) {
  ScopedTimeZone zone("America/New_York");
  // Values from Python 3.11: int(datetime.fromisoformat(s).timestamp() * 1000).
  EXPECT_EQ(parse_iso8601_ms("2024-07-01T12:00:00"), 1719849600000);  // EDT
  EXPECT_EQ(parse_iso8601_ms("2024-01-15 08:00:00.5"), 1705323600500);  // EST
  EXPECT_EQ(parse_iso8601_ms("2024-05-01"), 1714536000000);  // date only: local midnight
  // Skipped by the spring-forward jump: Python uses the offset before it.
  EXPECT_EQ(parse_iso8601_ms("2024-03-10T02:30:00"), 1710055800000);
  // Repeated by the fall-back: Python takes the first (EDT) occurrence.
  EXPECT_EQ(parse_iso8601_ms("2024-11-03T01:30:00"), 1730611800000);
  EXPECT_EQ(parse_iso8601_ms("2024-11-03T02:30:00"), 1730619000000);
}

TEST(Iso8601, ParserWithCachesAgreesAcrossDstTransitions) {
  ScopedTimeZone zone("America/New_York");
  Iso8601Parser cached;
  // Walk every 20 minutes through both 2024 transitions, comparing with a
  // fresh (uncached) conversion each time.
  for (const char* day : {"2024-03-10", "2024-11-03"}) {
    for (int minutes = 0; minutes < 24 * 60; minutes += 20) {
      char text[32];
      std::snprintf(text, sizeof text, "%sT%02d:%02d:07", day, minutes / 60, minutes % 60);
      EXPECT_EQ(cached.parse_ms(text), parse_iso8601_ms(text)) << text;
    }
  }
}

TEST(Iso8601, ParserReusesOnlyTheSameMinute) {
  // Each text after a first one sharing (or almost sharing) its minute; the
  // parser must agree with a fresh parse every time.
  Iso8601Parser parser;
  for (const char* text :
       {"2024-05-01T12:00:00Z", "2024-05-01T12:00:30.5+01:00", "2024-05-01T12:00", "2024-05-01T12:00Z",
        "2024-05-01T12:00:61Z", "2024-05-01T12:00:00junk", "2024-05-01T12:00:", "2024-05-01T12:01:00Z",
        "2024-05-01 12:01:00Z", "2024-05-01T12:01:07,25-0800", "2024-05-01T12", "2024-05-01T12:01:00Z",
        "2024-05-02T12:01:00Z", "2024-05-01T12:0", "2024-05-01", "2024-05-01T12:01:00Z"}) {
    EXPECT_EQ(parser.parse_ms(text), parse_iso8601_ms(text)) << text;
  }
}

TEST(Iso8601, ParserReusesAnOffsetOnlyWhenTheRestIsSecondsAndMilliseconds) {
  // Random mixes of the forms the offset shortcut takes and the ones it must
  // leave alone, each checked against a fresh parse.
  std::mt19937 random(20261127);
  const std::vector<std::string> minutes = {"2024-05-01T12:00", "2024-05-01T12:01", "2024-12-31T23:59"};
  const std::vector<std::string> seconds = {":00", ":59", ":60", ":5x", ":07", ""};
  const std::vector<std::string> fractions = {".123", ".999", ".12", ".1234", ",123", ".1x3", ".12x", "", "."};
  const std::vector<std::string> offsets = {"+01:00", "Z", "-08:00", "+0100", "+01", "", "+01:0", "+24:00", "z"};
  Iso8601Parser parser;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = minutes[random() % minutes.size()] + seconds[random() % seconds.size()] +
                             fractions[random() % fractions.size()] + offsets[random() % offsets.size()];
    ASSERT_EQ(parser.parse_ms(text), parse_iso8601_ms(text)) << text;
  }
  Iso8601Parser fresh;
  EXPECT_EQ(fresh.parse_ms("2024-05-01T12:00:00.000+01:00"), 1714561200000);
  EXPECT_EQ(fresh.parse_ms("2024-05-01T12:00:07.250+01:00"), 1714561207250);
  EXPECT_EQ(fresh.parse_ms("2024-05-01T12:00:07.250-01:00"), 1714568407250);
}

TEST(Iso8601, OtherZone) {
  ScopedTimeZone zone("Asia/Kolkata");
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T17:30:00"), kNoon);
  EXPECT_EQ(parse_iso8601_ms("2024-05-01T17:30:00Z"), kNoon + 5 * 3600000 + 1800000);
}

TEST(Epoch, SecondsBelowOneHundredBillion) {
  EXPECT_EQ(parse_epoch_ms("1714564800"), kNoon);
  EXPECT_EQ(parse_epoch_ms("1714564800.123"), kNoon + 123);
  EXPECT_EQ(parse_epoch_ms("1714564800.1239"), kNoon + 123);
  EXPECT_EQ(parse_epoch_ms("1714564800.5"), kNoon + 500);
  EXPECT_EQ(parse_epoch_ms("1.7145648e9"), kNoon);
  EXPECT_EQ(parse_epoch_ms("0"), 0);
  EXPECT_EQ(parse_epoch_ms("0.0005"), 0);
  EXPECT_EQ(parse_epoch_ms("99999999999.9"), 99999999999900);
  EXPECT_EQ(parse_epoch_ms("-1.5"), -1500);
}

TEST(Epoch, MillisecondsFromOneHundredBillion) {
  EXPECT_EQ(parse_epoch_ms("1714564800123"), kNoon + 123);
  EXPECT_EQ(parse_epoch_ms("1714564800123.9"), kNoon + 123);
  EXPECT_EQ(parse_epoch_ms("100000000000"), 100000000000);
  EXPECT_EQ(parse_epoch_ms("1e11"), 100000000000);
  EXPECT_EQ(parse_epoch_ms("1.714564800123E12"), kNoon + 123);
}

TEST(Epoch, RejectsGarbageAndOverflow) {
  for (const char* text : {"", "-", "abc", "12a", "1.2.3", "1e", "1e+", "1e400", "99999999999999999999"}) {
    EXPECT_EQ(parse_epoch_ms(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace cw::transform
