// DeadLetter under faults: a line that cannot be written is counted, and the
// next event tries again, so the file recovers once its folder is back.
#include "cloudwatch/dead_letter.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace cw::cloudwatch {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DeadLetter, ALineThatCannotBeWrittenIsCountedAndTheNextOneTriesAgain) {
  char dir[] = "/tmp/cw-dead-letter-test-XXXXXX";
  const std::string root = ::mkdtemp(dir);
  const std::string path = root + "/gone/dead.jsonl";
  Counters counters;
  const Logger log{LogLevel::kError};
  DeadLetter dead_letter(path, log, counters);

  dead_letter.write("too_old", "g", "s", R"({"timestamp":1,"message":"one"})");  // no folder yet
  EXPECT_EQ(counters.dead_letter_failures.load(), 1u);
  std::filesystem::create_directory(root + "/gone");
  dead_letter.write("too_old", "g", "s", R"({"timestamp":2,"message":"two"})");
  EXPECT_EQ(counters.dead_letter_failures.load(), 1u);
  const std::string text = read(path);
  EXPECT_EQ(text.find("one"), std::string::npos);
  EXPECT_NE(text.find(R"("message":"two")"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace cw::cloudwatch
