// The compact fast path must give exactly the events the general path gives,
// for every line: checked on hand-picked lines and on seeded random mutations.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "transform/compact_object.h"
#include "transform/line_transformer.h"

namespace cw::transform {
namespace {

constexpr std::int64_t kReadTime = 1700000000000;

const std::vector<std::string>& seed_lines() {
  static const std::vector<std::string> lines = {
      R"({"@timestamp":"2026-11-26T10:00:00.000+01:00","level":"INFO","logger":"api","message":"greeted the visitor: Hello","path":"/","status":200,"duration_ms":6.224,"http":{"method":"GET","client":{"ip":"10.0.241.167"}}})",
      R"({"@timestamp":"2024-05-01T12:00:00Z","msg":"tab\tquote\"slash\\ unicode \u00e9 \ud83d\ude00","list":[1,-2.5e-3,true,false,null,[],{}],"n":0})",
      R"({"@timestamp":1714564800.123,"a":{"b":{"c":[{"d":"e"}]}},"logger":"x"})",
      R"({"@timestamp":1714564800123,"a":1})",
      R"({"a":"no timestamp"})",
      R"({"@timestamp":"yesterday","a":1})",
      R"({"@timestamp":true,"a":1})",
      R"({"@timestamp":{"s":1},"a":1})",
      R"({"@timestamp":"2024-05-01T12:00:00Z","@timestamp":"2024-05-02T12:00:00Z"})",
      R"({"@timestamp":"2024-05-01T12:00:00\u005a","a":1})",
      R"({"\u0040timestamp":"2024-05-01T12:00:00Z","logger":"l","lo\"gger":1})",
      R"({"@timestamp":"2024-05-01T12:00:00Z"})",
      R"({})",
      R"({"text":"Håkon — 日本語 😀"})",
      R"({ "spaced" : [ 1 , 2 ] })",
      R"({"a":1} )",
      R"({"a":1}})",
      R"({"a":01})",
      R"({"a":1.})",
      R"({"a":-})",
      R"({"a":tru})",
      R"({"a":"unterminated})",
      R"({"a":"bad \x escape"})",
      R"({"a":[1,2,]})",
      R"({"a":1,})",
      R"({"a" 1})",
      R"(["array"])",
      R"("scalar")",
      R"(plain text)",
      std::string("{\"a\":\"raw\x01control\"}"),
      std::string("{\"a\":\"bad utf8 \xff\xfe\"}"),
      "{\"a\":" + std::string(70, '[') + std::string(70, ']') + "}",
      "{\"a\":" + std::string(600, '[') + std::string(600, ']') + "}",
  };
  return lines;
}

class CompactObjectTest : public ::testing::Test {
 protected:
  static Options with_fast_path(bool on) {
    Options options;
    options.compact_fast_path = on;
    return options;
  }

  static bool fast_path_accepts(const std::string& line) {
    static const Options defaults;
    std::string out(line.size(), '\0');
    CompactObject result;
    return rewrite_compact_object(line, FieldRules{defaults.timestamp_field, defaults.exclude_fields},
                                  out.data(), &result);
  }

  void expect_same(const std::string& line) {
    const Event fast_event = fast_.transform(line, kReadTime);
    const std::string fast_message(fast_event.message);
    const Event general = general_.transform(line, kReadTime);
    ASSERT_EQ(fast_event.kind, general.kind) << line;
    ASSERT_EQ(fast_event.timestamp_ms, general.timestamp_ms) << line;
    ASSERT_EQ(fast_message, general.message) << line;
    ASSERT_EQ(fast_event.utf8_repaired, general.utf8_repaired) << line;
    ASSERT_EQ(fast_event.too_long, general.too_long) << line;
  }

  LineTransformer fast_{with_fast_path(true)};
  LineTransformer general_{with_fast_path(false)};
};

TEST_F(CompactObjectTest, SameEventsAsTheGeneralPath) {
  for (const std::string& line : seed_lines()) expect_same(line);
}

TEST_F(CompactObjectTest, CompactLinesTakeTheFastPathAndKeepTheirText) {
  EXPECT_TRUE(fast_path_accepts(seed_lines()[0]));
  EXPECT_TRUE(fast_path_accepts(seed_lines()[1]));
  EXPECT_TRUE(fast_path_accepts(R"({})"));
  EXPECT_FALSE(fast_path_accepts(R"({ "spaced" : [ 1 , 2 ] })"));  // left to the general path
  EXPECT_FALSE(fast_path_accepts(R"({"@timestamp":"2024-05-01T12:00:00\u005a"})"));
  EXPECT_FALSE(fast_path_accepts(R"({"a":tru})"));
  const Event event = fast_.transform(seed_lines()[1], kReadTime);
  EXPECT_EQ(event.kind, LineKind::kJson);
  EXPECT_EQ(event.timestamp_ms, 1714564800000);
  EXPECT_EQ(event.message,
            R"({"msg":"tab\tquote\"slash\\ unicode \u00e9 \ud83d\ude00","list":[1,-2.5e-3,true,false,null,[],{}],"n":0})");
}

TEST_F(CompactObjectTest, NamesOfEveryLengthAreMatched) {
  // FieldRules settles most names by length alone; names of the same length as
  // a rule's, empty names and names of 64 bytes and more must still be compared.
  const std::string long_name(70, 'x');
  Options options;
  options.timestamp_field = "ts";
  options.exclude_fields = {"logger", long_name, ""};
  LineTransformer fast(options);
  options.compact_fast_path = false;
  LineTransformer general(options);
  const std::string line = R"({"ts":1714564800123,"status":1,"logger":"l","":2,")" + long_name + R"(":3,")" +
                           std::string(70, 'y') + R"(":4,"tx":5})";
  const Event fast_event = fast.transform(line, kReadTime);
  const std::string expected = R"({"ts":1714564800123,"status":1,")" + std::string(70, 'y') + R"(":4,"tx":5})";
  EXPECT_EQ(fast_event.timestamp_ms, 1714564800123);
  EXPECT_EQ(fast_event.message, expected);
  EXPECT_EQ(general.transform(line, kReadTime).message, expected);
}

TEST_F(CompactObjectTest, SameEventsForRandomMutations) {
  std::mt19937 random(20261126);
  int accepted = 0;
  const std::string alphabet = "{}[]\":,\\ ute0-.9\x01\xc3\xa9\xff";
  for (int round = 0; round < 20000; ++round) {
    std::string line = seed_lines()[random() % seed_lines().size()];
    const int edits = 1 + static_cast<int>(random() % 3);
    for (int e = 0; e < edits && !line.empty(); ++e) {
      const std::size_t at = random() % line.size();
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
        case 0: line.erase(at, 1); break;
        case 1: line.insert(at, 1, c); break;
        default: line[at] = c; break;
      }
    }
    if (fast_path_accepts(line)) ++accepted;
    expect_same(line);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(accepted, 2000);  // the comparison covered the fast path, not only its refusals
}

}  // namespace
}  // namespace cw::transform
