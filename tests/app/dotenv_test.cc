#include "app/dotenv.h"

#include <gtest/gtest.h>

namespace cw::app {
namespace {

using Values = std::map<std::string, std::string>;

TEST(Dotenv, PlainPairsAndWhitespace) {
  EXPECT_EQ(parse_dotenv("A=1\nB = two words \n  C=3"), (Values{{"A", "1"}, {"B", "two words"}, {"C", "3"}}));
}

TEST(Dotenv, ExportPrefix) {
  EXPECT_EQ(parse_dotenv("export A=1\nexport   B=2\n"), (Values{{"A", "1"}, {"B", "2"}}));
}

TEST(Dotenv, CommentsBlankAndMalformedLines) {
  EXPECT_EQ(parse_dotenv("# a comment\n\n   # indented comment\nA=1\nno equals sign\n=nokey\nB=2"),
            (Values{{"A", "1"}, {"B", "2"}}));
}

TEST(Dotenv, InlineCommentsNeedASpaceBefore) {
  EXPECT_EQ(parse_dotenv("A=value # comment\nB=val#ue\nC=#x\n"),
            (Values{{"A", "value"}, {"B", "val#ue"}, {"C", "#x"}}));
}

TEST(Dotenv, SingleQuotesAreLiteral) {
  EXPECT_EQ(parse_dotenv(R"(A='a\nb "c" # not a comment'  # comment)"),
            (Values{{"A", R"(a\nb "c" # not a comment)"}}));
  EXPECT_EQ(parse_dotenv("A='  padded  '"), (Values{{"A", "  padded  "}}));
}

TEST(Dotenv, DoubleQuotesWithEscapes) {
  EXPECT_EQ(parse_dotenv(R"(A="line1\nline2\ttab \"quoted\" back\\slash" # comment)"),
            (Values{{"A", "line1\nline2\ttab \"quoted\" back\\slash"}}));
  EXPECT_EQ(parse_dotenv(R"(A="# not a comment")"), (Values{{"A", "# not a comment"}}));
}

TEST(Dotenv, DoubleQuotedValueEndingInAnEscapedBackslash) {
  EXPECT_EQ(parse_dotenv(R"(A="C:\\dir\\")"), (Values{{"A", "C:\\dir\\"}}));
  EXPECT_EQ(parse_dotenv(R"(A="x\\" # comment)"), (Values{{"A", "x\\"}}));
}

TEST(Dotenv, EmptyValues) {
  EXPECT_EQ(parse_dotenv("A=\nB=''\nC=\"\"\nD=   \n"), (Values{{"A", ""}, {"B", ""}, {"C", ""}, {"D", ""}}));
}

TEST(Dotenv, CrlfFiles) {
  EXPECT_EQ(parse_dotenv("A=1\r\nB=\"two\"\r\nC='three'\r\n# c\r\nD=four # x\r\n"),
            (Values{{"A", "1"}, {"B", "two"}, {"C", "three"}, {"D", "four"}}));
}

TEST(Dotenv, TheLastDefinitionWins) {
  EXPECT_EQ(parse_dotenv("A=1\nA=2\n"), (Values{{"A", "2"}}));
}

TEST(Dotenv, ValuesMayContainEqualsSigns) {
  EXPECT_EQ(parse_dotenv("URL=http://h/?a=b&c=d\n"), (Values{{"URL", "http://h/?a=b&c=d"}}));
}

}  // namespace
}  // namespace cw::app

namespace cw::app {
namespace {

VariableLookup lookup_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    if (auto it = values.find(std::string(name)); it != values.end()) return it->second;
    return std::nullopt;
  };
}

TEST(ExpandVars, BracedFormsOnlyAsPythonDotenv) {
  const VariableLookup env = lookup_of({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(expand_vars("x${A}y", env), "x1y");
  EXPECT_EQ(expand_vars("${B:-two}", env), "two");
  EXPECT_EQ(expand_vars("${EMPTY:-d}", env), "");  // set: the default is for unset only
  EXPECT_EQ(expand_vars("${B}", env), "");
  EXPECT_EQ(expand_vars("$A ${A} ${A", env), "$A 1 ${A");  // unclosed stays
  EXPECT_EQ(expand_vars("^\\d{4}$", env), "^\\d{4}$");
  EXPECT_EQ(expand_vars("${A:x}", env), "${A:x}");
}

TEST(Dotenv, ExpandsFromTheEnvironmentThenEarlierKeys) {
  const VariableLookup env = lookup_of({{"HOST", "real"}});
  EXPECT_EQ(parse_dotenv("HOST=file\nA=${HOST}\nB=x\nC=\"${B}-${MISSING:-d}\"\nD='${B}'\n", env),
            (Values{{"HOST", "file"}, {"A", "real"}, {"B", "x"}, {"C", "x-d"}, {"D", "${B}"}}));
  EXPECT_EQ(parse_dotenv("B=x\nC=${B}\n"), (Values{{"B", "x"}, {"C", "x"}}));
}

}  // namespace
}  // namespace cw::app
