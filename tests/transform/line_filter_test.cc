#include "transform/line_filter.h"

#include <gtest/gtest.h>

#include <string>

namespace cw::transform {
namespace {

FilterRule rule(FilterRule::Kind kind, std::string field, std::vector<std::string> values, std::string regex = {}) {
  FilterRule r;
  r.kind = kind;
  r.field = std::move(field);
  r.values = std::move(values);
  r.regex = std::move(regex);
  return r;
}

TEST(LineFilter, DropsAFieldEqualToOneOfTheValues) {
  LineFilter filter({rule(FilterRule::Kind::kDrop, "level", {"DEBUG", "TRACE"})});
  EXPECT_EQ(filter.decide(R"({"level":"DEBUG","msg":"x"})"), Verdict::kDropped);
  EXPECT_EQ(filter.decide(R"({"level":"TRACE"})"), Verdict::kDropped);
  EXPECT_EQ(filter.decide(R"({"level":"INFO"})"), Verdict::kShip);
  EXPECT_EQ(filter.decide(R"({"level":"debug"})"), Verdict::kShip);  // values are exact
  EXPECT_EQ(filter.decide(R"({"msg":"no level"})"), Verdict::kShip);
  EXPECT_EQ(filter.decide("DEBUG plain text"), Verdict::kShip);  // a text line has no fields
}

TEST(LineFilter, DropsByRegexOnAFieldOrTheWholeLine) {
  LineFilter on_field({rule(FilterRule::Kind::kDrop, "path", {}, "^/health")});
  EXPECT_EQ(on_field.decide(R"({"path":"/healthz"})"), Verdict::kDropped);
  EXPECT_EQ(on_field.decide(R"({"path":"/api/health"})"), Verdict::kShip);
  LineFilter on_line({rule(FilterRule::Kind::kDrop, "", {}, "kube-probe")});
  EXPECT_EQ(on_line.decide("GET / 200 kube-probe/1.29"), Verdict::kDropped);
  EXPECT_EQ(on_line.decide(R"({"agent":"kube-probe/1.29"})"), Verdict::kDropped);
  EXPECT_EQ(on_line.decide("GET / 200 curl"), Verdict::kShip);
}

TEST(LineFilter, KeepOnlyRulesOutWhatDoesNotMatch) {
  LineFilter filter({rule(FilterRule::Kind::kKeepOnly, "level", {}, "^(WARN|ERROR)$")});
  EXPECT_EQ(filter.decide(R"({"level":"ERROR"})"), Verdict::kShip);
  EXPECT_EQ(filter.decide(R"({"level":"INFO"})"), Verdict::kNotKept);
  EXPECT_EQ(filter.decide(R"({"other":"ERROR"})"), Verdict::kNotKept);
}

TEST(LineFilter, TheFirstRuleThatRulesALineOutDecides) {
  LineFilter filter({rule(FilterRule::Kind::kDrop, "level", {"DEBUG"}),
                     rule(FilterRule::Kind::kKeepOnly, "service", {"api"})});
  EXPECT_EQ(filter.decide(R"({"level":"DEBUG","service":"web"})"), Verdict::kDropped);
  EXPECT_EQ(filter.decide(R"({"level":"INFO","service":"web"})"), Verdict::kNotKept);
  EXPECT_EQ(filter.decide(R"({"level":"INFO","service":"api"})"), Verdict::kShip);
}

TEST(LineFilter, SampleKeepsAboutOneInNAndTheSameLinesEveryTime) {
  FilterRule sample = rule(FilterRule::Kind::kSample, "level", {"INFO"});
  sample.every = 10;
  LineFilter first({sample});
  LineFilter again({sample});
  int kept = 0;
  for (int n = 0; n < 10'000; ++n) {
    const std::string line = R"({"level":"INFO","n":)" + std::to_string(n) + "}";
    const Verdict verdict = first.decide(line);
    EXPECT_EQ(again.decide(line), verdict);  // by the line's bytes: a restart keeps the same ones
    if (verdict == Verdict::kShip) ++kept;
    EXPECT_EQ(first.decide(R"({"level":"ERROR","n":)" + std::to_string(n) + "}"), Verdict::kShip);  // not matched
  }
  EXPECT_GT(kept, 850);
  EXPECT_LT(kept, 1150);
}

TEST(LineFilter, BadPatternsAndSamplesAreErrors) {
  EXPECT_THROW(LineFilter({rule(FilterRule::Kind::kDrop, "", {}, "a(")}), FilterError);
  FilterRule zero = rule(FilterRule::Kind::kSample, "", {});
  zero.every = 0;
  EXPECT_THROW(LineFilter({zero}), FilterError);
  EXPECT_TRUE(LineFilter({}).empty());
}

}  // namespace
}  // namespace cw::transform
