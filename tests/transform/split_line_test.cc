#include "transform/split_line.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace cw::transform {
namespace {

struct Part {
  std::string id;
  std::int64_t part = 0;
  bool last = false;
  std::string text;  // unescaped
  std::size_t message_bytes = 0;
};

// Parses one message with a real JSON parser: it must be exactly
// {"@split":{"id":...,"part":...,"last":...},"text":...}.
Part parse(std::string_view message) {
  Part out;
  out.message_bytes = message.size();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const simdjson::padded_string padded(message);
  const auto error = parser.parse(padded).get(doc);
  EXPECT_EQ(error, simdjson::SUCCESS) << "not JSON: " << message;
  if (error) return out;
  simdjson::dom::object object;
  EXPECT_EQ(doc.get_object().get(object), simdjson::SUCCESS) << message;
  EXPECT_EQ(object.size(), 2u) << message;
  simdjson::dom::object split;
  EXPECT_EQ(object["@split"].get_object().get(split), simdjson::SUCCESS) << message;
  std::string_view id;
  EXPECT_EQ(split["id"].get_string().get(id), simdjson::SUCCESS) << message;
  out.id = std::string(id);
  EXPECT_EQ(split["part"].get_int64().get(out.part), simdjson::SUCCESS) << message;
  EXPECT_EQ(split["last"].get_bool().get(out.last), simdjson::SUCCESS) << message;
  std::string_view text;
  EXPECT_EQ(object["text"].get_string().get(text), simdjson::SUCCESS) << message;
  out.text = std::string(text);
  return out;
}

// Feeds `feeds` (pieces of one line, as the tailer cuts them) and returns
// every event, parsed.
std::vector<Part> split(std::size_t max_bytes, const std::vector<std::string>& feeds, std::string_view id = "7:0") {
  SplitLine splitter(max_bytes);
  std::vector<Part> parts;
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    splitter.feed(id, feeds[i], i + 1 == feeds.size());
    std::string_view message;
    while (splitter.next(message)) parts.push_back(parse(message));
  }
  return parts;
}

// The parts are numbered 1..n, share the id, only the last says last, each
// message is within the cap; returns the text put back together.
std::string reassemble(const std::vector<Part>& parts, std::size_t max_bytes, std::string_view id = "7:0") {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    EXPECT_EQ(parts[i].id, id);
    EXPECT_EQ(parts[i].part, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(parts[i].last, i + 1 == parts.size()) << "part " << i + 1 << " of " << parts.size();
    EXPECT_LE(parts[i].message_bytes, max_bytes) << "part " << i + 1;
    text += parts[i].text;
  }
  return text;
}

bool valid_utf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

TEST(SplitLineTest, PartsReassembleToTheLineExactly) {
  std::string line;
  for (int i = 0; line.size() < 10'000; ++i) line += R"({"n":)" + std::to_string(i) + R"(,"msg":"hello"} )";
  const auto parts = split(1000, {line});
  ASSERT_GT(parts.size(), 10u);
  EXPECT_EQ(reassemble(parts, 1000), line);
}

TEST(SplitLineTest, FeedsOfOneLineContinueTheNumbering) {
  // The tailer hands a long line over in pieces; the last piece ends the line.
  const std::string a(2500, 'a');
  const std::string b(2500, 'b');
  const std::string c(10, 'c');
  const auto parts = split(1000, {a, b, c});
  EXPECT_EQ(reassemble(parts, 1000), a + b + c);
  // A new id starts again at part 1.
  SplitLine splitter(1000);
  std::string_view message;
  splitter.feed("1:0", "x", true);
  ASSERT_TRUE(splitter.next(message));
  EXPECT_EQ(parse(message).part, 1);
  EXPECT_FALSE(splitter.next(message));
  splitter.feed("1:100", "y", true);
  ASSERT_TRUE(splitter.next(message));
  EXPECT_EQ(parse(message).part, 1);
  EXPECT_EQ(parse(message).id, "1:100");
}

TEST(SplitLineTest, MultibyteCharactersAreNeverCut) {
  // 2-, 3- and 4-byte characters in every alignment against the cap.
  const std::string chars[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "x"};
  for (std::size_t max : {180u, 181u, 182u, 183u, 257u, 1000u}) {
    std::string line;
    for (int i = 0; i < 700; ++i) line += chars[(i * 7 + i / 3) % 4];
    ASSERT_TRUE(valid_utf8(line));
    const auto parts = split(max, {line});
    for (const Part& part : parts) {
      EXPECT_TRUE(valid_utf8(part.text)) << "max " << max << " part " << part.part;
    }
    EXPECT_EQ(reassemble(parts, max), line) << "max " << max;
  }
}

TEST(SplitLineTest, QuotesBackslashesAndControlCharactersRoundTrip) {
  std::string line;
  for (int i = 0; i < 3000; ++i) {
    line += static_cast<char>(i % 32);  // every control character, NUL included
    line += "\"\\/";
    line += static_cast<char>(0x7F);
  }
  for (std::size_t max : {150u, 200u, 1001u}) {
    const auto parts = split(max, {line});
    EXPECT_EQ(reassemble(parts, max), line) << "max " << max;
  }
}

TEST(SplitLineTest, RandomLinesRoundTripWithinTheCap) {
  std::mt19937 random(20240501);
  const std::string alphabet[] = {"a", "\"", "\\", "\n", "\t", std::string(1, '\0'), "\x01", "\xC3\xA9",
                                  "\xE2\x82\xAC", "\xF0\x9F\x98\x80", " ", "{"};
  for (int round = 0; round < 200; ++round) {
    std::string line;
    const int n = static_cast<int>(random() % 4000);
    for (int i = 0; i < n; ++i) line += alphabet[random() % std::size(alphabet)];
    const std::size_t max = 150 + random() % 2000;
    // Cut into feeds at character boundaries, as the tailer does.
    std::vector<std::string> feeds;
    std::size_t at = 0;
    while (at < line.size()) {
      std::size_t cut = std::min(line.size(), at + 1 + random() % 3000);
      while (cut < line.size() && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) ++cut;
      feeds.push_back(line.substr(at, cut - at));
      at = cut;
    }
    if (feeds.empty() || random() % 4 == 0) feeds.emplace_back();  // the newline alone ends the line
    const auto parts = split(max, feeds);
    ASSERT_FALSE(parts.empty());
    EXPECT_EQ(reassemble(parts, max), line) << "round " << round << " max " << max;
  }
}

TEST(SplitLineTest, AnEmptyLastFeedYieldsAFinalPart) {
  // The line's text ended exactly at a cut; only the newline is left.
  const std::string text(3000, 'z');
  SplitLine splitter(1000);
  std::vector<Part> parts;
  std::string_view message;
  splitter.feed("9:42", text, false);
  while (splitter.next(message)) parts.push_back(parse(message));
  ASSERT_FALSE(parts.empty());
  EXPECT_FALSE(parts.back().last);
  splitter.feed("9:42", "", true);
  ASSERT_TRUE(splitter.next(message));
  parts.push_back(parse(message));
  EXPECT_FALSE(splitter.next(message));
  EXPECT_TRUE(parts.back().last);
  EXPECT_EQ(parts.back().text, "");
  EXPECT_EQ(reassemble(parts, 1000, "9:42"), text);
  // An empty feed that does not end the line yields nothing.
  SplitLine other(1000);
  other.feed("1:0", "", false);
  EXPECT_FALSE(other.next(message));
}

TEST(SplitLineTest, InvalidUtf8IsRepaired) {
  std::string line;
  for (int i = 0; i < 500; ++i) line += "ok\xFF\xC3(\xE2\x82 \xF0\x9F\x98";
  const auto parts = split(200, {line});
  const std::string text = reassemble(parts, 200);
  EXPECT_TRUE(valid_utf8(text));
  std::string want;
  for (int i = 0; i < 500; ++i) want += "ok\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD \xEF\xBF\xBD";
  EXPECT_EQ(text, want);
}

TEST(SplitLineTest, EachMessageUsesMostOfTheCap) {
  // Not a requirement of correctness, but parts should not be needlessly small.
  const std::string line(100'000, 'q');
  const auto parts = split(10'000, {line});
  EXPECT_EQ(reassemble(parts, 10'000), line);
  EXPECT_LE(parts.size(), 11u);
}

}  // namespace
}  // namespace cw::transform
