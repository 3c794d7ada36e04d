#include "source/file_watcher.h"
#include "source/remote_fs.h"

#include <poll.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::append_file;
using cw::testing::TempDir;
using cw::testing::write_file;

// Waits (on the descriptor, with a deadline) until the watcher has something
// to report, then collects every change until it has `want`.
FileWatcher::Changes await(FileWatcher& watcher, bool want_structure) {
  FileWatcher::Changes seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{watcher.fd(), POLLIN, 0};
    if (::poll(&fd, 1, 100) > 0) {
      const auto changes = watcher.consume();
      seen.any = seen.any || changes.any;
      seen.structure = seen.structure || changes.structure;
      if (seen.any && (!want_structure || seen.structure)) break;
    }
  }
  return seen;
}

TEST(FileWatcherTest, ParsesTheModes) {
  WatchMode mode = WatchMode::kPoll;
  EXPECT_TRUE(parse_watch_mode("auto", mode));
  EXPECT_EQ(mode, WatchMode::kAuto);
  EXPECT_TRUE(parse_watch_mode("inotify", mode));
  EXPECT_EQ(mode, WatchMode::kInotify);
  EXPECT_TRUE(parse_watch_mode("poll", mode));
  EXPECT_EQ(mode, WatchMode::kPoll);
  EXPECT_FALSE(parse_watch_mode("Poll", mode));
  EXPECT_FALSE(parse_watch_mode("", mode));
}

TEST(FileWatcherTest, InotifyReportsACreatedFileAndAnAppend) {
  TempDir dir;
  const Logger log(LogLevel::kError);
  FileWatcher watcher(WatchMode::kInotify, log);
  ASSERT_TRUE(watcher.active());
  ASSERT_GE(watcher.fd(), 0);
  watcher.watch(dir.path());
  watcher.watch(dir.path());  // idempotent
  EXPECT_FALSE(watcher.consume().any);  // nothing yet

  write_file(dir / "a.log", "one\n");
  const auto created = await(watcher, true);
  EXPECT_TRUE(created.any);
  EXPECT_TRUE(created.structure);
  EXPECT_FALSE(watcher.consume().any);  // everything was read

  append_file(dir / "a.log", "two\n");
  const auto appended = await(watcher, false);
  EXPECT_TRUE(appended.any);
  EXPECT_FALSE(appended.structure);  // an append needs no rescan

  std::filesystem::rename(dir / "a.log", dir / "a.log.1");
  EXPECT_TRUE(await(watcher, true).structure);
  std::filesystem::remove(dir / "a.log.1");
  EXPECT_TRUE(await(watcher, true).structure);
}

TEST(FileWatcherTest, AutoModeOnALocalFolderUsesInotify) {
  TempDir dir;
  const Logger log(LogLevel::kError);
  FileWatcher watcher(WatchMode::kAuto, log);
  watcher.watch(dir.path());
  EXPECT_TRUE(watcher.active());
}

TEST(FileWatcherTest, PollModeIsInactive) {
  TempDir dir;
  const Logger log(LogLevel::kError);
  FileWatcher watcher(WatchMode::kPoll, log);
  EXPECT_FALSE(watcher.active());
  EXPECT_EQ(watcher.fd(), -1);
  watcher.watch(dir.path());
  write_file(dir / "a.log", "one\n");
  EXPECT_FALSE(watcher.consume().any);
  EXPECT_FALSE(watcher.active());
}

TEST(FileWatcherTest, LocalFilesystemsAreNotRemote) {
  EXPECT_EQ(remote_filesystem_name("/"), "");
  TempDir dir;
  EXPECT_EQ(remote_filesystem_name(dir.path()), "");
  EXPECT_EQ(remote_filesystem_name(dir / "does-not-exist"), "");
}

}  // namespace
}  // namespace cw::source
