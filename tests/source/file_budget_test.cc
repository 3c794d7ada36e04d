// FileSet under a descriptor budget: files beyond it, and caught-up files
// closed for inactivity, are tracked by identity and offset without a
// descriptor, and are opened in turns. Nothing is lost or read twice, and
// running out of descriptors is never taken for a rotation.
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "source/file_set.h"
#include "support/manual_clock.h"
#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::append_file;
using cw::testing::ManualClock;
using cw::testing::read_file;
using cw::testing::TempDir;
using cw::testing::write_file;

class FileBudgetTest : public ::testing::Test {
 protected:
  FileBudgetTest() : store_(dir_ / "state") { std::filesystem::create_directory(logs_); }
  ~FileBudgetTest() override { ::close(log_fd_); }

  std::unique_ptr<FileSet> make_set(std::size_t max_open_files, std::chrono::seconds close_inactive = {}) {
    FileSetOptions options;
    options.directory = logs_;
    options.sources = {GlobSet({"*.log"}, {})};
    options.rotated_quiet = std::chrono::milliseconds(0);
    options.max_open_files = max_open_files;
    options.close_inactive = close_inactive;
    return std::make_unique<FileSet>(options, store_, watcher_, counters_, log_, clock_);
  }

  // Reads every open file to its end and acknowledges it, as the pipeline
  // does once CloudWatch accepted the lines.
  static void read_and_acknowledge(FileSet& set, std::map<std::string, int>& seen) {
    for (const auto& file : set.files()) {
      while (auto line = file->next_line()) ++seen[std::string(line->text)];
      set.acknowledge(file->id(), file->read_offset());
    }
    set.read();
  }

  // A set with no budget whose files (written before) were read, acknowledged
  // and then closed for `close_inactive` of quiet.
  std::unique_ptr<FileSet> all_closed_for_inactivity(std::chrono::seconds close_inactive,
                                                     std::map<std::string, int>& seen) {
    auto set = make_set(0, close_inactive);
    EXPECT_TRUE(set->rescan());
    read_and_acknowledge(*set, seen);
    clock_.advance(close_inactive);
    EXPECT_TRUE(set->rescan());
    EXPECT_EQ(set->files().size(), 0u);
    return set;
  }

  int warnings() const {
    const std::string text = read_file(dir_ / "sidecar.log");
    int n = 0;
    for (std::size_t at = text.find("WARN"); at != std::string::npos; at = text.find("WARN", at + 1)) ++n;
    return n;
  }

  TempDir dir_;
  std::string logs_ = dir_ / "logs";
  CheckpointStore store_;
  int log_fd_ = ::open((dir_ / "sidecar.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  Logger log_{LogLevel::kInfo, log_fd_};
  ManualClock clock_;
  FileWatcher watcher_{WatchMode::kPoll, log_};
  Counters counters_;
};

TEST_F(FileBudgetTest, FilesBeyondTheBudgetTakeTurnsAndEveryLineIsReadOnce) {
  for (int i = 0; i < 7; ++i) write_file(logs_ + "/f" + std::to_string(i) + ".log", "line " + std::to_string(i) + "\n");
  auto set = make_set(2);
  std::map<std::string, int> seen;
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->files().size(), 2u);
  EXPECT_EQ(set->closed_files(), 5u);
  EXPECT_TRUE(set->waiting_for_descriptors());
  EXPECT_EQ(set->checkpoints().size(), 7u);  // a closed file keeps its checkpoint
  EXPECT_EQ(counters_.files_tracked.load(), 7);
  for (int round = 0; round < 10 && set->waiting_for_descriptors(); ++round) {
    read_and_acknowledge(*set, seen);
    ASSERT_TRUE(set->rescan());
    EXPECT_LE(set->files().size(), 2u);
  }
  read_and_acknowledge(*set, seen);
  EXPECT_FALSE(set->waiting_for_descriptors());
  ASSERT_EQ(seen.size(), 7u);
  for (const auto& [text, times] : seen) EXPECT_EQ(times, 1) << text;
  EXPECT_EQ(set->checkpoints().size(), 7u);
  EXPECT_EQ(set->backlog_bytes(), 0u);
}

TEST_F(FileBudgetTest, AFileWithLinesNotYetAcknowledgedKeepsItsDescriptor) {
  write_file(logs_ + "/a.log", "a\n");
  write_file(logs_ + "/b.log", "b\n");
  auto set = make_set(1);
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  TailedFile& open = *set->files()[0];
  const std::string first = open.path();
  ASSERT_TRUE(open.next_line());  // read, in flight, not acknowledged
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_EQ(set->files()[0]->path(), first);
  EXPECT_TRUE(set->waiting_for_descriptors());
  set->acknowledge(set->files()[0]->id(), 2);
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_NE(set->files()[0]->path(), first);  // its turn is over
}

TEST_F(FileBudgetTest, ACaughtUpFileQuietForCloseInactiveIsClosedAndReopenedWhenItGrows) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\n");
  auto set = make_set(0, std::chrono::seconds(60));
  std::map<std::string, int> seen;
  ASSERT_TRUE(set->rescan());
  read_and_acknowledge(*set, seen);
  clock_.advance(std::chrono::seconds(59));
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->files().size(), 1u);
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->files().size(), 0u);
  EXPECT_EQ(set->closed_files(), 1u);
  EXPECT_TRUE(set->mark_changed({path}));  // a write there wants a rescan
  ASSERT_EQ(set->checkpoints().size(), 1u);
  EXPECT_EQ(set->checkpoints()[0].offset, 4u);

  append_file(path, "two\n");
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_FALSE(set->mark_changed({path}));  // open again: the reader sees the write
  read_and_acknowledge(*set, seen);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"one", 1}, {"two", 1}}));
}

TEST_F(FileBudgetTest, WithoutABudgetAReopenedFileClosesNoOther) {
  write_file(logs_ + "/quiet1.log", "q1\n");
  write_file(logs_ + "/quiet2.log", "q2\n");
  std::map<std::string, int> seen;
  auto set = all_closed_for_inactivity(std::chrono::seconds(10), seen);
  ASSERT_EQ(set->closed_files(), 2u);
  write_file(logs_ + "/busy.log", "b\n");
  ASSERT_TRUE(set->rescan());
  read_and_acknowledge(*set, seen);  // busy.log: caught up, but not inactive
  append_file(logs_ + "/quiet1.log", "again\n");
  append_file(logs_ + "/quiet2.log", "again\n");
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->files().size(), 3u);
  EXPECT_EQ(set->closed_files(), 0u);
}

TEST_F(FileBudgetTest, AFileRotatedWhileClosedIsReadToItsEnd) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\n");
  std::map<std::string, int> seen;
  auto set = all_closed_for_inactivity(std::chrono::seconds(1), seen);
  ASSERT_EQ(set->closed_files(), 1u);

  append_file(path, "last words\n");
  std::filesystem::rename(path, path + ".1");
  write_file(path, "fresh\n");
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 2u);
  EXPECT_EQ(set->closed_files(), 0u);
  read_and_acknowledge(*set, seen);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"one", 1}, {"last words", 1}, {"fresh", 1}}));
  set->release_finished();
  EXPECT_EQ(set->files().size(), 1u);  // the rotated one, read and acknowledged
}

TEST_F(FileBudgetTest, AFileTruncatedWhileClosedIsReadAgainFromTheStart) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "a long first line\n");
  std::map<std::string, int> seen;
  auto set = all_closed_for_inactivity(std::chrono::seconds(1), seen);
  ASSERT_EQ(set->closed_files(), 1u);
  write_file(path, "short\n");
  ASSERT_TRUE(set->rescan());
  read_and_acknowledge(*set, seen);
  EXPECT_EQ(seen, (std::map<std::string, int>{{"a long first line", 1}, {"short", 1}}));
}

TEST_F(FileBudgetTest, ADeletedClosedFileIsDroppedWithItsCheckpoint) {
  write_file(logs_ + "/a.log", "a\n");
  write_file(logs_ + "/b.log", "b\n");
  auto set = make_set(1);
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->closed_files(), 1u);
  const std::string closed = set->files()[0]->path() == logs_ + "/a.log" ? logs_ + "/b.log" : logs_ + "/a.log";
  std::filesystem::remove(closed);
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->closed_files(), 0u);
  EXPECT_EQ(set->checkpoints().size(), 1u);
  EXPECT_EQ(counters_.bytes_abandoned.load(), 2u);  // its line was never read: counted, not silent
}

TEST_F(FileBudgetTest, RunningOutOfDescriptorsIsNotARotationAndIsWarnedOnce) {
  write_file(logs_ + "/a.log", "a\n");
  auto set = make_set(0);
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  write_file(logs_ + "/b.log", "b\n");

  // No descriptor left: the lowest free one becomes the limit.
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  const int probe = ::dup(0);
  ASSERT_GE(probe, 0);
  ::close(probe);
  rlimit none = saved;
  none.rlim_cur = static_cast<rlim_t>(probe);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &none), 0);
  const bool listed = set->rescan();
  const bool again = set->rescan();
  ::setrlimit(RLIMIT_NOFILE, &saved);

  EXPECT_TRUE(listed);
  EXPECT_TRUE(again);
  ASSERT_EQ(set->files().size(), 1u);
  EXPECT_FALSE(set->files()[0]->detached) << "an unreadable folder is no rotation";
  EXPECT_EQ(warnings(), 1);
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(set->files().size(), 2u);
  for (const auto& file : set->files()) EXPECT_FALSE(file->detached);
}

}  // namespace
}  // namespace cw::source
