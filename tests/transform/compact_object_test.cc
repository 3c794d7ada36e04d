// The compact fast path must give exactly what the general path gives for
// every line it accepts: checked on hand-picked lines and on seeded random
// mutations, through the two rewrites themselves.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "transform/compact_object.h"
#include "transform/line_transformer.h"
#include "transform/object_rewriter.h"
#include "common/utf8.h"

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
  static bool fast_path_accepts(const std::string& line) {
    static const Options defaults;
    std::string out(line.size(), '\0');
    RewrittenObject result;
    return rewrite_compact_object(line, FieldRules{defaults.timestamp_field, defaults.exclude_fields},
                                  out.data(), &result);
  }

  // Where the fast path accepts a line, the general path must give the same
  // message and timestamp token. Both take valid UTF-8, as LineTransformer
  // gives them.
  void expect_same(const std::string& raw, const FieldRules& rules) {
    std::string line(repaired_utf8_capacity(raw.size()), '\0');
    line.resize(repair_utf8(raw.data(), raw.size(), line.data()));
    std::string fast_out(line.size(), '\0');
    RewrittenObject fast;
    if (!rewrite_compact_object(line, rules, fast_out.data(), &fast)) return;
    const std::string padded = line + std::string(ObjectRewriter::padding(), '\0');
    std::string general_out(line.size(), '\0');
    RewrittenObject general;
    ASSERT_TRUE(general_rewriter_.rewrite(padded.data(), line.size(), rules, general_out.data(), &general)) << line;
    ASSERT_EQ(fast_out.substr(0, fast.message_size), general_out.substr(0, general.message_size)) << line;
    ASSERT_EQ(fast.timestamp_token, general.timestamp_token) << line;
  }
  void expect_same(const std::string& line) { expect_same(line, rules_); }

  const Options defaults_;
  const FieldRules rules_{defaults_.timestamp_field, defaults_.exclude_fields};
  ObjectRewriter general_rewriter_;
  LineTransformer fast_{defaults_};
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
  const FieldRules rules{options.timestamp_field, options.exclude_fields};
  const std::string line = R"({"ts":1714564800123,"status":1,"logger":"l","":2,")" + long_name + R"(":3,")" +
                           std::string(70, 'y') + R"(":4,"tx":5})";
  LineTransformer transformer(options);
  const Event event = transformer.transform(line, kReadTime);
  EXPECT_EQ(event.timestamp_ms, 1714564800123);
  EXPECT_EQ(event.message, R"({"ts":1714564800123,"status":1,")" + std::string(70, 'y') + R"(":4,"tx":5})");
  std::string out(line.size(), '\0');
  RewrittenObject result;
  EXPECT_TRUE(rewrite_compact_object(line, rules, out.data(), &result));
  expect_same(line, rules);
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
