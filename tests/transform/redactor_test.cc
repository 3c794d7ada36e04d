#include "transform/redactor.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace cw::transform {
namespace {

Redactor builtins(std::vector<std::string> names) {
  FilterRule rule;
  rule.kind = FilterRule::Kind::kRedact;
  rule.builtin = std::move(names);
  return Redactor({rule});
}

Redactor pattern(std::string regex, std::string mask) {
  FilterRule rule;
  rule.kind = FilterRule::Kind::kRedact;
  rule.regex = std::move(regex);
  rule.mask = std::move(mask);
  return Redactor({rule});
}

std::string redacted(Redactor& redactor, std::string_view line) {
  std::string out;
  return redactor.redact(line, out) ? out : std::string(line);
}

bool valid_json(const std::string& text) {
  simdjson::dom::parser parser;
  return parser.parse(text).error() == simdjson::SUCCESS;
}

TEST(Redactor, MasksSecretsAndEmailsInNestedStringValues) {
  Redactor r = builtins({"aws_secret_access_key", "email", "aws_access_key_id"});
  const std::string line =
      R"({"user":{"contact":"mail ann@example.com now","keys":["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]},)"
      R"("id":"AKIAIOSFODNN7EXAMPLE","ann@example.com":1})";
  const std::string out = redacted(r, line);
  EXPECT_EQ(out,
            R"({"user":{"contact":"mail [REDACTED] now","keys":["[REDACTED]"]},"id":"[REDACTED]","ann@example.com":1})");
  EXPECT_TRUE(valid_json(out));
}

TEST(Redactor, LeavesWhatOnlyLooksLikeASecret) {
  Redactor r = builtins({"aws_secret_access_key", "card_number"});
  // A SHA-1 is 40 characters too, without upper case; 16 digits failing Luhn.
  const std::string line = R"({"commit":"da39a3ee5e6b4b0d3255bfef95601890afd80709","n":"4111 1111 1111 1112"})";
  std::string out;
  EXPECT_FALSE(r.redact(line, out));
}

TEST(Redactor, CardNumbersMustPassLuhn) {
  Redactor r = builtins({"card_number"});
  EXPECT_EQ(redacted(r, "paid with 4111 1111 1111 1111 today"), "paid with [REDACTED] today");
  EXPECT_EQ(redacted(r, "paid with 4111-1111-1111-1111"), "paid with [REDACTED]");
  EXPECT_EQ(redacted(r, "order 4111111111111112"), "order 4111111111111112");
}

TEST(Redactor, BearerTokensKeepTheWord) {
  Redactor r = builtins({"bearer_token"});
  EXPECT_EQ(redacted(r, R"({"auth":"Bearer eyJhbGciOi.J9.abc-_="})"), R"({"auth":"Bearer [REDACTED]"})");
}

TEST(Redactor, NeverBreaksAnEscape) {
  Redactor r = pattern("[0-9a-z@.]+@x\\.com", "***");
  // "\n" before the address and an escaped quote: the match starts after them.
  const std::string out = redacted(r, R"({"m":"a\nbob@x.com \"c\"","u":"\u0041b@x.com"})");
  EXPECT_TRUE(valid_json(out)) << out;
  EXPECT_EQ(out, R"({"m":"a\n*** \"c\"","u":"\u0041***"})");
}

TEST(Redactor, CustomPatternAndMaskOnATextLine) {
  Redactor r = pattern("password=\\S+", "password=***");
  EXPECT_EQ(redacted(r, "login user=a password=hunter2 ok"), "login user=a password=*** ok");
  EXPECT_THROW(pattern("(", "x"), FilterError);
  EXPECT_THROW(builtins({"ssn"}), FilterError);
}

}  // namespace
}  // namespace cw::transform
