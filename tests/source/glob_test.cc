#include "source/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace cw::source {
namespace {

TEST(GlobTest, StarQuestionAndBracketsWithinOneSegment) {
  EXPECT_TRUE(glob_match("*.log", "app.log"));
  EXPECT_TRUE(glob_match("*.log", ".log.log") == false);  // hidden: '*' does not match a leading dot
  EXPECT_FALSE(glob_match("*.log", "app.log.1"));
  EXPECT_FALSE(glob_match("*.log", "app.txt"));
  EXPECT_FALSE(glob_match("*.log", "sub/app.log"));  // no '/' in the pattern: the folder itself only
  EXPECT_TRUE(glob_match("app-?.log", "app-1.log"));
  EXPECT_FALSE(glob_match("app-?.log", "app-12.log"));
  EXPECT_TRUE(glob_match("app-[0-9].log", "app-7.log"));
  EXPECT_FALSE(glob_match("app-[0-9].log", "app-x.log"));
  EXPECT_TRUE(glob_match("app-[!0-9].log", "app-x.log"));
  EXPECT_TRUE(glob_match("[ab]*.log", "beta.log"));
  EXPECT_FALSE(glob_match("[ab]*.log", "gamma.log"));
  EXPECT_TRUE(glob_match("sub/*.log", "sub/app.log"));
  EXPECT_FALSE(glob_match("sub/*.log", "other/app.log"));
  EXPECT_FALSE(glob_match("*/*.log", "app.log"));
  EXPECT_TRUE(glob_match("*/*.log", "x/app.log"));
  EXPECT_FALSE(glob_match("*/*.log", "x/y/app.log"));  // '*' never crosses '/'
}

TEST(GlobTest, HiddenFilesAndFoldersAreNotMatchedByWildcards) {
  EXPECT_FALSE(glob_match("*.log", ".hidden.log"));
  EXPECT_FALSE(glob_match("?hidden.log", ".hidden.log"));
  EXPECT_FALSE(glob_match("**/*.log", ".state/x.log"));
  EXPECT_FALSE(glob_match("**/*.log", "a/.hidden.log"));
  EXPECT_TRUE(glob_match(".hidden.log", ".hidden.log"));  // named explicitly
}

TEST(GlobTest, DoubleStarAtTheStart) {
  EXPECT_TRUE(glob_match("**/*.log", "a.log"));  // zero folders
  EXPECT_TRUE(glob_match("**/*.log", "x/a.log"));
  EXPECT_TRUE(glob_match("**/*.log", "x/y/z/a.log"));
  EXPECT_FALSE(glob_match("**/*.log", "x/y/a.txt"));
}

TEST(GlobTest, DoubleStarInTheMiddle) {
  EXPECT_TRUE(glob_match("app/**/*.log", "app/a.log"));
  EXPECT_TRUE(glob_match("app/**/*.log", "app/x/a.log"));
  EXPECT_TRUE(glob_match("app/**/*.log", "app/x/y/a.log"));
  EXPECT_FALSE(glob_match("app/**/*.log", "other/x/a.log"));
  EXPECT_FALSE(glob_match("app/**/*.log", "a.log"));
  EXPECT_TRUE(glob_match("a/**/b/*.log", "a/b/x.log"));
  EXPECT_TRUE(glob_match("a/**/b/*.log", "a/1/2/b/x.log"));
  EXPECT_FALSE(glob_match("a/**/b/*.log", "a/1/2/c/x.log"));
}

TEST(GlobTest, DoubleStarAtTheEnd) {
  EXPECT_TRUE(glob_match("app/**", "app/a.log"));
  EXPECT_TRUE(glob_match("app/**", "app/x/y/a.txt"));
  EXPECT_FALSE(glob_match("app/**", "other/a.log"));
  EXPECT_TRUE(glob_match("**", "anything/at/all"));
}

TEST(GlobTest, ANulByteIsNotTheEndOfTheText) {
  // Found by fuzz/glob_fuzz.cc: fnmatch() stopped at the NUL, so the rest was ignored.
  using namespace std::string_view_literals;
  EXPECT_FALSE(glob_match("a.l\0x"sv, "a.l\0y"sv));
  EXPECT_TRUE(glob_match("a.l\0x"sv, "a.l\0x"sv));
}

TEST(GlobTest, ManyDoubleStarsCostLinearTimeNotExponential) {
  // Found by fuzz/glob_fuzz.cc: 30 '**' against 30 segments took over 10 s.
  std::string pattern;
  std::string path;
  for (int i = 0; i < 30; ++i) {
    pattern += "**/";
    path += "d/";
  }
  EXPECT_FALSE(glob_match(pattern + "x.log", path + "y.log"));
  EXPECT_TRUE(glob_match(pattern + "*.log", path + "y.log"));
}

TEST(GlobTest, ExcludeWins) {
  const GlobSet set({"**/*.log"}, {"**/debug-*.log", "tmp/**"});
  EXPECT_TRUE(set.matches("app.log"));
  EXPECT_TRUE(set.matches("a/b/app.log"));
  EXPECT_FALSE(set.matches("debug-1.log"));
  EXPECT_FALSE(set.matches("a/debug-1.log"));
  EXPECT_FALSE(set.matches("tmp/app.log"));
  EXPECT_FALSE(set.matches("tmp/x/app.log"));
  EXPECT_FALSE(set.matches("a/app.txt"));
  EXPECT_TRUE(set.recursive());
}

TEST(GlobTest, SeveralIncludesAndRecursion) {
  const GlobSet flat({"*.log", "*.json"}, {});
  EXPECT_TRUE(flat.matches("a.log"));
  EXPECT_TRUE(flat.matches("a.json"));
  EXPECT_FALSE(flat.matches("a.txt"));
  EXPECT_FALSE(flat.matches("x/a.log"));
  EXPECT_FALSE(flat.recursive());
  const GlobSet none({}, {});
  EXPECT_FALSE(none.matches("a.log"));
}

}  // namespace
}  // namespace cw::source
