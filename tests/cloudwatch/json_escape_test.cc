#include "common/json_escape.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace cw::cloudwatch {
namespace {

std::string escaped(std::string_view text) {
  std::string out;
  append_json_escaped(out, text);
  return out;
}

// What a JSON parser reads back from the escaped text.
std::string round_trip(std::string_view text) {
  const std::string json = "\"" + escaped(text) + "\"";
  simdjson::dom::parser parser;
  std::string_view value;
  EXPECT_EQ(parser.parse(json).get_string().get(value), simdjson::SUCCESS) << json;
  return std::string(value);
}

TEST(JsonEscape, PlainTextIsCopied) {
  EXPECT_EQ(escaped(""), "");
  EXPECT_EQ(escaped("hello world {} [] / ' <>"), "hello world {} [] / ' <>");
}

TEST(JsonEscape, AppendsWithoutTouchingWhatIsThere) {
  std::string out = "prefix:";
  append_json_escaped(out, "a\"b");
  EXPECT_EQ(out, "prefix:a\\\"b");
}

TEST(JsonEscape, QuotesAndBackslashes) {
  EXPECT_EQ(escaped("\""), "\\\"");
  EXPECT_EQ(escaped("\\"), "\\\\");
  EXPECT_EQ(escaped(R"({"a":"b\c"})"), R"({\"a\":\"b\\c\"})");
}

TEST(JsonEscape, ControlCharactersUseShortFormsOrUnicodeEscapes) {
  EXPECT_EQ(escaped("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
  EXPECT_EQ(escaped(std::string_view("\0", 1)), "\\u0000");
  EXPECT_EQ(escaped("\x01"), "\\u0001");
  EXPECT_EQ(escaped("\x1b[31m"), "\\u001b[31m");
  EXPECT_EQ(escaped("\x1f"), "\\u001f");
  EXPECT_EQ(escaped("\x7f"), "\x7f");  // DEL is not a JSON control character
  EXPECT_EQ(escaped(" "), " ");
}

TEST(JsonEscape, TheSizeOfEachByteEscapedIsWhatTheEscaperWrites) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string byte(1, static_cast<char>(c));
    EXPECT_EQ(json_escaped_size(static_cast<unsigned char>(c)), escaped(byte).size()) << c;
  }
  EXPECT_EQ(json_escaped_size(0xC3), 1u);  // bytes of a multi-byte character pass through
}

TEST(JsonEscape, UnicodeIsLeftAsIs) {
  const std::string text = "caf\u00e9 \u20ac \u4e2d\u6587 \U0001F600 \u2028\u2029";
  EXPECT_EQ(escaped(text), text);
}

TEST(JsonEscape, EveryByteRoundTripsThroughAJsonParser) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all += static_cast<char>(c);
  all += "\u00e9\u20ac\U0001F600";
  EXPECT_EQ(round_trip(all), all);
  EXPECT_EQ(round_trip("end with backslash \\"), "end with backslash \\");
}

}  // namespace
}  // namespace cw::cloudwatch
