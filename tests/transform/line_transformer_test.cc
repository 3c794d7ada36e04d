#include "transform/line_transformer.h"
#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "scoped_time_zone.h"

namespace cw::transform {
namespace {

constexpr std::int64_t kReadTime = 1700000000000;
constexpr std::int64_t kNoon = 1714564800000;  // 2024-05-01T12:00:00Z

class LineTransformerTest : public ::testing::Test {
 protected:
  Event run(std::string_view line) { return transformer_.transform(line, kReadTime); }
  std::string message(std::string_view line) { return std::string(run(line).message); }

  LineTransformer transformer_{Options{}};
};

TEST_F(LineTransformerTest, ObjectBecomesEventWithoutExcludedFields) {
  const Event event = run(
      R"({"@timestamp": "2024-05-01T12:00:00.250Z", "level": "INFO", "logger": "app", "msg": "hi"})");
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, kNoon + 250);
  EXPECT_EQ(event.message, R"({"level":"INFO","msg":"hi"})");
  EXPECT_FALSE(event.utf8_repaired);
  EXPECT_FALSE(event.too_long);
}

TEST_F(LineTransformerTest, EpochTimestamps) {
  Event event = run(R"({"@timestamp": 1714564800.123, "a": 1})");
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, kNoon + 123);
  event = run(R"({"@timestamp": 1714564800123, "a": 1})");
  EXPECT_EQ(event.timestamp_ms, kNoon + 123);
  EXPECT_EQ(event.message, R"({"a":1})");
}

TEST_F(LineTransformerTest, MissingOrUnusableTimestampUsesReadTime) {
  for (const char* line :
       {R"({"a": 1})", R"({"@timestamp": "yesterday", "a": 1})",
        R"({"@timestamp": true, "a": 1})", R"({"@timestamp": null, "a": 1})",
        R"({"@timestamp": {"s": 1}, "a": 1})", R"({"@timestamp": "2024-13-01T00:00:00Z", "a": 1})"}) {
    const Event event = run(line);
    EXPECT_EQ(event.kind, LineKind::kNoTimestamp) << line;
    EXPECT_EQ(event.timestamp_ms, kReadTime) << line;
    EXPECT_EQ(event.message, R"({"a":1})") << line;
  }
}

TEST(LineTransformer, TimestampWithoutOffsetIsLocalTime) {
  ScopedTimeZone zone("America/New_York");
  LineTransformer transformer{Options{}};  // created after TZ is set: it caches offsets
  // Values from Python: int(datetime.fromisoformat(s).timestamp() * 1000).
  Event event = transformer.transform(R"({"@timestamp": "2024-03-10T01:59:59.5", "a": 1})", kReadTime);
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, 1710053999500);  // EST
  event = transformer.transform(R"({"@timestamp": "2024-03-10T02:30:00", "a": 1})", kReadTime);
  EXPECT_EQ(event.timestamp_ms, 1710055800000);  // skipped hour: offset before the jump
  event = transformer.transform(R"({"@timestamp": "2024-03-10 03:00:00", "a": 1})", kReadTime);
  EXPECT_EQ(event.timestamp_ms, 1710054000000);  // EDT
  event = transformer.transform(R"({"@timestamp": "2024-07-01T12:00:00", "a": 1})", kReadTime);
  EXPECT_EQ(event.timestamp_ms, 1719849600000);
}

TEST_F(LineTransformerTest, DeepNestingWithinLimitParsesBeyondItIsRaw) {
  const std::string shallow = "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_EQ(message(shallow), shallow);
  const std::string deep = "{\"a\":" + std::string(3000, '[') + std::string(3000, ']') + "}";
  EXPECT_EQ(run(deep).kind, LineKind::kRaw);
}

TEST_F(LineTransformerTest, CustomTimestampAndExcludedFields) {
  Options options;
  options.timestamp_field = "time";
  options.exclude_fields = {"secret", "time"};
  LineTransformer transformer(options);
  const Event event = transformer.transform(
      R"({"time":"2024-05-01T12:00:00Z","@timestamp":"x","logger":"l","secret":1,"v":2})", kReadTime);
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, kNoon);
  EXPECT_EQ(event.message, R"({"@timestamp":"x","logger":"l","v":2})");
}

TEST_F(LineTransformerTest, EscapedKeysAreComparedUnescaped) {
  const Event event = run(R"({"\u0040timestamp": "2024-05-01T12:00:00Z", "logg\u0065r": 1, "k\"ey": 2})");
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, kNoon);
  EXPECT_EQ(event.message, R"({"k\"ey":2})");
}

TEST_F(LineTransformerTest, NestedValuesAreCompactedStringsKept) {
  EXPECT_EQ(message(R"({ "a" : { "b" : [ 1 , 2 , { "c" : "x  y" } ] , "d" : [ ] } , "e" : "  spaced , }" })"),
            R"({"a":{"b":[1,2,{"c":"x  y"}],"d":[]},"e":"  spaced , }"})");
  EXPECT_EQ(message("{\t\"a\"\t:\t[\n1\r\n]\t}"), R"({"a":[1]})");
  EXPECT_EQ(message(R"({"a": ["q\" , \\", " { "]})"), R"({"a":["q\" , \\"," { "]})");
}

TEST_F(LineTransformerTest, UnicodeEscapesAndNumbersKeptAsWritten) {
  const std::string line =
      R"({"e": "caf\u00e9 \n\t\/ \ud83d\ude00", "u": "café 😀", "n": [1.50e3, -0, 0.10, 1E+2, 12345678901234567890123]})";
  EXPECT_EQ(message(line),
            R"({"e":"caf\u00e9 \n\t\/ \ud83d\ude00","u":"café 😀","n":[1.50e3,-0,0.10,1E+2,12345678901234567890123]})");
  EXPECT_EQ(message(R"({"t": true, "f": false, "z": null, "x": 1.0})"),
            R"({"t":true,"f":false,"z":null,"x":1.0})");
}

TEST_F(LineTransformerTest, DuplicateKeysAreAllKept) {
  const Event event = run(
      R"({"a": 1, "a": 2, "@timestamp": "bad", "@timestamp": "2024-05-01T12:00:00Z"})");
  EXPECT_EQ(event.message, R"({"a":1,"a":2})");
  EXPECT_EQ(event.kind, LineKind::kJson);  // the last duplicate decides, as in Python
  EXPECT_EQ(event.timestamp_ms, kNoon);
}

TEST_F(LineTransformerTest, AllFieldsExcludedGivesEmptyObject) {
  const Event event = run(R"({"@timestamp": "2024-05-01T12:00:00Z", "logger": "x"})");
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.message, "{}");
  EXPECT_EQ(message("  {  }  "), "{}");
}

TEST_F(LineTransformerTest, NonObjectsAreShippedRaw) {
  const std::string nul_line("{\"a\": \"x\0y\"}", 12);
  const std::string nul_outside("{\"a\": 1}\0", 9);
  for (const std::string& line :
       {std::string("plain text log"), std::string(R"({"a": 1)"), std::string(R"({"a" 1})"),
        std::string(R"({"a": 1,})"), std::string(R"({"a": 1} xyz)"), std::string(R"({"a": 1}})"),
        std::string(R"({"a": 1} {"b": 2})"), std::string(R"([1, 2])"), std::string("42"),
        std::string(R"("str")"), std::string("null"), nul_line, nul_outside,
        std::string(R"({"a": [1,,2]})"), std::string(R"({"a": [1 2]})"), std::string(R"({"a": {"b" 1}})"),
        std::string(R"({"a": [tru]})"), std::string(R"({"a": 01})"), std::string(R"({"a": 1.})"),
        std::string(R"({"a": "\x"})"), std::string(R"({"a": {"b\q": 1}})"), std::string(R"({a: 1})"),
        std::string(R"({"a": 'x'})"), std::string(R"({"a": nul})"), std::string(R"({"a": {"b": 1})"),
        std::string("{\"a\": \"tab\there\"}"), std::string(R"({"a": "x})"), std::string(R"({"a": "x)"),
        std::string(R"({"a\": 1})"), std::string(R"({"a": "x"y})"), std::string(R"({"a": "x" "y"})"),
        std::string(R"({"a": ["x" "y"]})"), std::string(R"({"a": "\u12G4"})"), std::string(R"({"a": 1e})")}) {
    const Event event = run(line);
    EXPECT_EQ(event.kind, LineKind::kRaw) << line;
    EXPECT_EQ(event.message, line) << line;
    EXPECT_EQ(event.timestamp_ms, kReadTime) << line;
  }
}

TEST_F(LineTransformerTest, ShorterLineAfterLongerOneIsNotConfused) {
  ASSERT_EQ(run(R"({"a": {"b": 1}}                                          }})").kind, LineKind::kRaw);
  EXPECT_EQ(run(R"({"a": {"b": 1})").kind, LineKind::kRaw);
  EXPECT_EQ(message(R"({"a": {"b": 1}})"), R"({"a":{"b":1}})");
}

TEST_F(LineTransformerTest, TrailingCarriageReturnIsDropped) {
  Event event = run("{\"a\": 1}\r");
  EXPECT_EQ(event.kind, LineKind::kNoTimestamp);
  EXPECT_EQ(event.message, R"({"a":1})");
  event = run("plain\r");
  EXPECT_EQ(event.kind, LineKind::kRaw);
  EXPECT_EQ(event.message, "plain");
}

TEST_F(LineTransformerTest, EmptyAndBlankLines) {
  for (const char* line : {"", "\r", " ", "\t  \t", " \r"}) {
    const Event event = run(line);
    EXPECT_EQ(event.kind, LineKind::kEmpty) << '"' << line << '"';
    EXPECT_TRUE(event.message.empty());
  }
}

TEST_F(LineTransformerTest, InvalidUtf8IsRepairedInRawLines) {
  const Event event = run("bad \xFF byte, cut \xE2\x82 and overlong \xC0\xAF end");
  EXPECT_EQ(event.kind, LineKind::kRaw);
  EXPECT_TRUE(event.utf8_repaired);
  EXPECT_EQ(event.message,
            "bad \xEF\xBF\xBD byte, cut \xEF\xBF\xBD and overlong \xEF\xBF\xBD\xEF\xBF\xBD end");
  // A truncated 4-byte sequence is one maximal subpart; a surrogate is three.
  EXPECT_EQ(message("a\xF0\x9F\x98z \xED\xA0\x80"), "a\xEF\xBF\xBDz \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(LineTransformerTest, InvalidUtf8InsideJsonStringStillParses) {
  const Event event = run("{\"@timestamp\": \"2024-05-01T12:00:00Z\", \"msg\": \"caf\xE9 ok\"}");
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_TRUE(event.utf8_repaired);
  EXPECT_EQ(event.timestamp_ms, kNoon);
  EXPECT_EQ(event.message, "{\"msg\":\"caf\xEF\xBF\xBD ok\"}");
}

TEST_F(LineTransformerTest, AnInvalidByteIsFoundWhereverItIs) {
  // ASCII lines skip the full UTF-8 check: a byte from 0x80 up must be seen in
  // the 16-byte steps and in the bytes after the last step alike.
  for (std::size_t size = 1; size <= 40; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      std::string line(size, 'a');
      EXPECT_TRUE(is_ascii(line.data(), line.size()));
      line[at] = '\x80';
      EXPECT_FALSE(is_ascii(line.data(), line.size())) << size << " " << at;
      const Event event = run(line);
      EXPECT_TRUE(event.utf8_repaired) << size << " " << at;
      EXPECT_EQ(event.message.substr(at, 3), "\xEF\xBF\xBD");
    }
  }
  EXPECT_TRUE(is_ascii("", 0));
}

TEST_F(LineTransformerTest, ATimestampItsEscapesCannotSpellIsNoTimeButTheLineStaysAnObject) {
  const Event event = run(R"({"@timestamp":"\ud800","logger":"x","a":1})");
  EXPECT_EQ(event.kind, LineKind::kNoTimestamp);
  EXPECT_EQ(event.timestamp_ms, kReadTime);
  EXPECT_EQ(event.message, R"({"a":1})");
}

TEST_F(LineTransformerTest, AMessageOverTheCapIsMarkedTooLongNotCut) {
  Options options;
  options.max_message_bytes = 60;
  LineTransformer transformer(options);
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xE2\x82\xAC";  // 3-byte euro signs
  const Event event = transformer.transform("{\"m\": \"" + text + "\"}", kReadTime);
  EXPECT_TRUE(event.too_long);
  EXPECT_EQ(event.message, "{\"m\":\"" + text + "\"}");

  const Event fits = transformer.transform(R"({"m": "short"})", kReadTime);
  EXPECT_FALSE(fits.too_long);
  EXPECT_EQ(fits.message, R"({"m":"short"})");
  // The cap applies to the message as rewritten: 60 bytes once compact.
  const std::string at_cap = R"({"m": ")" + std::string(52, 'x') + R"("})";
  EXPECT_FALSE(transformer.transform(at_cap, kReadTime).too_long);
  EXPECT_TRUE(transformer.transform(R"({"m":")" + std::string(53, 'x') + R"("})", kReadTime).too_long);
}

TEST_F(LineTransformerTest, RawLinesOverTheCapAreMarkedToo) {
  Options options;
  options.max_message_bytes = 30;
  LineTransformer transformer(options);
  const Event event = transformer.transform(std::string(100, 'x'), kReadTime);
  EXPECT_EQ(event.kind, LineKind::kRaw);
  EXPECT_TRUE(event.too_long);
  EXPECT_FALSE(transformer.transform(std::string(30, 'x'), kReadTime).too_long);
}

TEST_F(LineTransformerTest, TwoMegabyteLine) {
  std::string line = R"({"@timestamp": "2024-05-01T12:00:00Z", "big": ")";
  line.append(2 * 1024 * 1024, 'a');
  line += R"(", "tail": [1, 2]})";
  Event event = run(line);
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, kNoon);
  EXPECT_TRUE(event.too_long);
  EXPECT_EQ(event.message.substr(0, 10), R"({"big":"aa)");

  Options roomy;
  roomy.max_message_bytes = 4 * 1024 * 1024;
  LineTransformer transformer(roomy);
  event = transformer.transform(line, kReadTime);
  EXPECT_FALSE(event.too_long);
  EXPECT_EQ(event.message.size(), 2 * 1024 * 1024 + 23u);
  EXPECT_EQ(event.message.substr(event.message.size() - 16), R"(a","tail":[1,2]})");
}

}  // namespace
}  // namespace cw::transform
