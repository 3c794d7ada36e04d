#include "source/tailed_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::append_file;
using cw::testing::TempDir;
using cw::testing::write_file;

struct Read {
  std::string text;
  std::uint64_t end_offset;
  bool piece;
  bool operator==(const Read&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Read& r) {
  return os << "{\"" << r.text << "\", " << r.end_offset << (r.piece ? ", piece}" : "}");
}

// Every line available now (copies: Line::text dies with the next call).
std::vector<Read> drain(TailedFile& file) {
  std::vector<Read> out;
  // "piece": a part cut from a longer line, not its last part.
  while (auto line = file.next_line()) {
    out.push_back(Read{std::string(line->text), line->end_offset, line->part > 0 && !line->last_part});
  }
  return out;
}

class TailedFileTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string path_ = dir_ / "app.log";
};

TEST_F(TailedFileTest, OnlyCompleteLinesComeOut) {
  write_file(path_, "one\ntwo\n\nthr");
  TailedFile file(1, path_, 1000);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"one", 4, false}, {"two", 8, false}, {"", 9, false}}));
  EXPECT_EQ(file.read_offset(), 9u);
  EXPECT_FALSE(file.next_line().has_value());
}

TEST_F(TailedFileTest, APartialLineWaitsThenCompletes) {
  write_file(path_, "first\npart");
  TailedFile file(1, path_, 1000);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"first", 6, false}}));
  append_file(path_, "ial");
  EXPECT_TRUE(drain(file).empty());
  append_file(path_, " line\nnext\n");
  EXPECT_EQ(drain(file), (std::vector<Read>{{"partial line", 19, false}, {"next", 24, false}}));
}

TEST_F(TailedFileTest, AnUnfinishedLineShortOrLongIsCompletedByLaterWrites) {
  write_file(path_, "first\npart");
  TailedFile file(1, path_, 100000);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"first", 6, false}}));
  EXPECT_EQ(file.read_offset(), 6u);
  append_file(path_, "ial\n" + std::string(5000, 'x'));
  EXPECT_EQ(drain(file), (std::vector<Read>{{"partial", 14, false}}));
  append_file(path_, "\n");
  EXPECT_EQ(drain(file), (std::vector<Read>{{std::string(5000, 'x'), 5015, false}}));
}

TEST_F(TailedFileTest, AnUnfinishedLineReadAgainStillGoesOutWhenQuiet) {
  // Reading the short line again must not restart its quiet time.
  write_file(path_, "done\nunfinished");
  TailedFile file(1, path_, 1000, std::chrono::milliseconds(20));
  EXPECT_EQ(drain(file), (std::vector<Read>{{"done", 5, false}}));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::optional<Line> line;
  while (!line && std::chrono::steady_clock::now() < deadline) line = file.next_line();
  ASSERT_TRUE(line.has_value()) << "never flushed";
  EXPECT_EQ(line->text, "unfinished");
  EXPECT_EQ(line->end_offset, 15u);
}

TEST_F(TailedFileTest, CrlfKeepsTheCarriageReturn) {
  write_file(path_, "{\"a\":1}\r\nplain\r\n");
  TailedFile file(1, path_, 1000);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"{\"a\":1}\r", 9, false}, {"plain\r", 16, false}}));
}

TEST_F(TailedFileTest, ALongLineComesInPiecesWithCorrectOffsets) {
  write_file(path_, "0123456789ABCDEFGHIJKLMNO\nexactly10!\n");
  TailedFile file(1, path_, 10);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"0123456789", 10, true},
                                            {"ABCDEFGHIJ", 20, true},
                                            {"KLMNO", 26, false},
                                            {"exactly10!", 37, false}}));
}

TEST_F(TailedFileTest, ALongLineWithoutItsNewlineYetDoesNotStall) {
  write_file(path_, "abcdefghijklmno");  // 15 bytes, still being written
  TailedFile file(1, path_, 10);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"abcdefghij", 10, true}}));
  append_file(path_, "\n");
  EXPECT_EQ(drain(file), (std::vector<Read>{{"klmno", 16, false}}));
}

TEST_F(TailedFileTest, LinesLongerThanOneReadChunk) {
  const std::string big(300'000, 'b');
  const std::string huge(700'000, 'h');
  write_file(path_, big + "\nshort\n" + huge + "\n");
  TailedFile file(1, path_, 1'048'550);
  const auto lines = drain(file);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].text, big);
  EXPECT_EQ(lines[0].end_offset, 300'001u);
  EXPECT_EQ(lines[1].text, "short");
  EXPECT_EQ(lines[2].text, huge);
  EXPECT_EQ(lines[2].end_offset, 300'001u + 6 + 700'001);
  EXPECT_FALSE(lines[2].piece);
}

TEST_F(TailedFileTest, SeekToACheckpoint) {
  write_file(path_, "one\ntwo\nthree\n");
  TailedFile file(1, path_, 1000);
  file.seek(8);
  EXPECT_EQ(file.acked_offset(), 8u);
  EXPECT_EQ(file.read_offset(), 8u);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"three", 14, false}}));
  file.seek(14);  // exactly at the end: nothing new, not a truncation
  EXPECT_EQ(file.read_offset(), 14u);
  EXPECT_TRUE(drain(file).empty());
}

TEST_F(TailedFileTest, SeekPastTheEndOfAShorterFileStartsAtZero) {
  write_file(path_, "one\n");
  TailedFile file(1, path_, 1000);
  file.seek(500);
  EXPECT_EQ(file.read_offset(), 0u);
  EXPECT_EQ(file.acked_offset(), 0u);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"one", 4, false}}));
}

TEST_F(TailedFileTest, TruncationIsNoticedAndReadingRestarts) {
  write_file(path_, "one\ntwo\nthree\n");
  TailedFile file(1, path_, 1000);
  ASSERT_EQ(drain(file).size(), 3u);
  file.set_acked_offset(14);
  EXPECT_FALSE(file.was_replaced_in_place());

  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  append_file(path_, "new\n");  // copytruncate, then the writer goes on
  EXPECT_TRUE(file.was_replaced_in_place());
  file.restart(2);
  EXPECT_EQ(file.id(), 2u);  // late acknowledgements of the old content name id 1
  EXPECT_EQ(file.read_offset(), 0u);
  EXPECT_EQ(file.acked_offset(), 0u);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"new", 4, false}}));
  EXPECT_FALSE(file.was_replaced_in_place());
}

TEST_F(TailedFileTest, ARewriteLongerThanWhatWasReadIsNoticedByItsFirstBytes) {
  write_file(path_, "one\n");
  TailedFile file(1, path_, 1000);
  ASSERT_EQ(drain(file).size(), 1u);
  write_file(path_, "other content, longer than before\n");  // truncated and rewritten between two looks
  EXPECT_TRUE(file.was_replaced_in_place());
}

TEST_F(TailedFileTest, AQuietPartialLineIsFlushedWhenAsked) {
  write_file(path_, "done\nunfinished");
  TailedFile file(1, path_, 1000);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"done", 5, false}}));
  auto line = file.next_line(/*flush_partial=*/true);
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ(line->text, "unfinished");
  EXPECT_EQ(line->end_offset, 15u);
  EXPECT_FALSE(file.next_line(true).has_value());
}

TEST_F(TailedFileTest, LongLinesAreCutAtCharacterBoundariesAndNumbered) {
  // "é" is two bytes: a cut at 5 would fall inside the third one.
  write_file(path_, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\nok\n");
  TailedFile file(1, path_, 5);
  auto first = file.next_line();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->text, "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(first->part, 1u);
  EXPECT_FALSE(first->last_part);
  EXPECT_EQ(first->line_start, 0u);
  auto second = file.next_line();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->text, "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(second->part, 2u);
  EXPECT_TRUE(second->last_part);
  EXPECT_EQ(second->line_start, 0u);
  EXPECT_EQ(second->end_offset, 9u);
  auto third = file.next_line();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->text, "ok");
  EXPECT_EQ(third->part, 0u);
}

TEST_F(TailedFileTest, ReleasingTheBufferAfterEveryLineChangesNothingRead) {
  // Lines of every length around the read chunk and the line cap, some cut into
  // parts; releasing between any two calls must give the same lines and offsets.
  std::string text;
  for (int i = 0; i < 300; ++i) text += std::string(static_cast<std::size_t>(i * 997 % 5000), 'a' + i % 26) + "\n";
  write_file(path_, text + "unfinished");
  TailedFile plain(1, path_, 4000);
  const std::vector<Read> expected = drain(plain);
  TailedFile released(2, path_, 4000);
  std::vector<Read> got;
  while (auto line = released.next_line()) {
    got.push_back(Read{std::string(line->text), line->end_offset, line->part > 0 && !line->last_part});
    released.release_buffer();
  }
  ASSERT_GT(expected.size(), 300u);  // some lines came in parts
  EXPECT_EQ(got, expected);
  EXPECT_EQ(released.read_offset(), plain.read_offset());
  append_file(path_, "\n");
  const auto last = released.next_line();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->text, "unfinished");
}

TEST_F(TailedFileTest, ReadingContinuesFromAnUnlinkedFile) {
  write_file(path_, "before\n");
  const int writer = ::open(path_.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(writer, 0);
  TailedFile file(1, path_, 1000);
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"before", 7, false}}));
  const std::string more = "after unlink\n";
  ASSERT_EQ(::write(writer, more.data(), more.size()), static_cast<ssize_t>(more.size()));
  ::close(writer);
  EXPECT_EQ(drain(file), (std::vector<Read>{{"after unlink", 20, false}}));
  EXPECT_EQ(file.size_on_disk(), 20u);
}

TEST_F(TailedFileTest, StartsWithTellsARewrittenFileApart) {
  write_file(path_, "original first line\n");
  TailedFile file(1, path_, 1000);
  const Fingerprint fp = file.fingerprint();
  EXPECT_EQ(fp.length, 20u);
  EXPECT_TRUE(file.starts_with(fp));

  append_file(path_, "appended\n");  // growing keeps the start
  EXPECT_TRUE(file.starts_with(fp));

  write_file(path_, "completely other content\n");  // same inode, new bytes
  EXPECT_FALSE(file.starts_with(fp));
  EXPECT_TRUE(file.starts_with(Fingerprint{}));  // nothing to compare: no evidence against
}

TEST_F(TailedFileTest, FingerprintGrowsWithTheFileUpToItsLimit) {
  write_file(path_, "ab");
  TailedFile file(1, path_, 1000);
  EXPECT_EQ(file.fingerprint().length, 2u);
  append_file(path_, std::string(3000, 'c'));
  // Until the growth is seen (by a read, a stat or a scan), the file is not
  // read again: a checkpoint save costs a quiet file no system call.
  EXPECT_EQ(file.fingerprint().length, 2u);
  while (file.next_line()) {}  // read to the end
  EXPECT_EQ(file.fingerprint().length, kFingerprintBytes);
  EXPECT_NE(file.inode(), 0u);
}

TEST_F(TailedFileTest, AMissingFileThrows) {
  EXPECT_THROW(TailedFile(1, dir_ / "missing.log", 1000), std::runtime_error);
}

}  // namespace
}  // namespace cw::source
