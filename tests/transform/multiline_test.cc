#include "transform/multiline.h"

#include <gtest/gtest.h>

#include "transform/filter_rule.h"

namespace cw::transform {
namespace {

TEST(Multiline, TextLinesThatDoNotMatchContinueJsonLinesNever) {
  const Multiline m("^\\S");
  EXPECT_EQ(m.classify("Traceback (most recent call last):"), Multiline::Kind::kStart);
  EXPECT_EQ(m.classify("  File \"app.py\", line 3, in <module>"), Multiline::Kind::kContinuation);
  EXPECT_EQ(m.classify(""), Multiline::Kind::kContinuation);
  EXPECT_EQ(m.classify(R"(  {"msg":"indented json"})"), Multiline::Kind::kJson);
  EXPECT_EQ(m.classify(R"({"msg":"x"})"), Multiline::Kind::kJson);
  EXPECT_THROW(Multiline("("), FilterError);
}

}  // namespace
}  // namespace cw::transform
