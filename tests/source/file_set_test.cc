#include "source/file_set.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/manual_clock.h"
#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::append_file;
using cw::testing::TempDir;
using cw::testing::write_file;

class FileSetTest : public ::testing::Test {
 protected:
  FileSetTest() : store_(dir_ / "state") {
    std::filesystem::create_directory(logs_);
  }

  std::unique_ptr<FileSet> make_set(std::string directory = {}, const MonotonicClock& clock = cw::steady_clock()) {
    FileSetOptions options;
    options.directory = directory.empty() ? logs_ : directory;
    options.sources = {GlobSet({"*.log"}, {})};
    options.rotated_quiet = std::chrono::milliseconds(0);
    return std::make_unique<FileSet>(options, store_, watcher_, counters_, log_, clock);
  }

  // Sets the folder's modification time to one long past (always the same).
  static void age_folder(const std::string& dir) {
    const timespec old[2] = {{1'700'000'000, 0}, {1'700'000'000, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, dir.c_str(), old, 0), 0);
  }

  std::vector<std::string> paths(const FileSet& set) const {
    std::vector<std::string> out;
    for (const auto& f : set.files()) out.push_back(f->path());
    std::sort(out.begin(), out.end());
    return out;
  }

  TailedFile* file_at(const FileSet& set, const std::string& path) const {
    for (const auto& f : set.files()) {
      if (f->path() == path && !f->detached) return f.get();
    }
    return nullptr;
  }

  static std::vector<std::string> drain(TailedFile& file) {
    std::vector<std::string> out;
    while (auto line = file.next_line()) out.emplace_back(line->text);
    return out;
  }

  // A previous run that followed `path` (reading `lines` from it, when
  // given) and had its lines up to `acked` accepted when it stopped: its
  // checkpoints are saved in store_.
  void run_before_stop(const std::string& path, std::uint64_t acked, const std::vector<std::string>& lines = {}) {
    auto first = make_set();
    ASSERT_TRUE(first->rescan());
    TailedFile* file = file_at(*first, path);
    ASSERT_NE(file, nullptr);
    if (!lines.empty()) {
      EXPECT_EQ(drain(*file), lines);
    }
    first->acknowledge(file->id(), acked);
    store_.save(first->checkpoints());
  }

  Checkpoint checkpoint_of(const std::string& path, std::uint64_t offset, const Fingerprint& fp) const {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return Checkpoint{st.st_dev, st.st_ino, fp, offset, path};
  }

  TempDir dir_;
  std::string logs_ = dir_ / "logs";
  CheckpointStore store_;
  Logger log_{LogLevel::kError};
  FileWatcher watcher_{WatchMode::kPoll, log_};
  Counters counters_;
};

TEST_F(FileSetTest, OnlyVisibleFilesWithTheExtension) {
  write_file(logs_ + "/app.log", "a\n");
  write_file(logs_ + "/worker.log", "w\n");
  write_file(logs_ + "/notes.txt", "n\n");
  write_file(logs_ + "/.hidden.log", "h\n");
  write_file(logs_ + "/.log", "x\n");
  write_file(logs_ + "/app.log.1", "r\n");
  write_file(logs_ + "/applog", "r\n");
  write_file(logs_ + "/APP.LOG", "r\n");
  std::filesystem::create_directory(logs_ + "/folder.log");
  auto set = make_set();
  EXPECT_TRUE(set->rescan());
  EXPECT_EQ(paths(*set), (std::vector<std::string>{logs_ + "/app.log", logs_ + "/worker.log"}));
}

TEST_F(FileSetTest, NewFilesArePickedUpOnRescanAndKnownOnesKept) {
  write_file(logs_ + "/a.log", "a\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  const std::uint64_t first_id = set->files()[0]->id();
  EXPECT_EQ(set->find(first_id), set->files()[0].get());

  write_file(logs_ + "/b.log", "b\n");
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(paths(*set), (std::vector<std::string>{logs_ + "/a.log", logs_ + "/b.log"}));
  EXPECT_EQ(set->find(first_id)->path(), logs_ + "/a.log");  // not reopened
  EXPECT_NE(set->files()[0]->id(), set->files()[1]->id());
  EXPECT_EQ(set->find(9999), nullptr);
}

TEST_F(FileSetTest, ACheckpointIsResumed) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "old 1\nold 2\nnew 3\n");
  run_before_stop(path, 12);  // "old 1\nold 2\n" accepted
  const CheckpointStore reloaded(dir_ / "state");
  FileSetOptions options;
  options.rotated_quiet = std::chrono::milliseconds(0);
  options.directory = logs_;
  options.sources = {GlobSet({"*.log"}, {})};
  FileSet set(options, reloaded, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  TailedFile* file = file_at(set, path);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->acked_offset(), 12u);
  EXPECT_EQ(drain(*file), std::vector<std::string>{"new 3"});
}

TEST_F(FileSetTest, AReusedInodeWithOtherFirstBytesStartsAtZero) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "brand new file\nsecond\n");
  // The checkpoint names this device and inode, but was taken from another file.
  write_file(dir_ / "other", "the file that had this inode before\n");
  Fingerprint other_fp;
  {
    TailedFile other(99, dir_ / "other", 1000);
    other_fp = other.fingerprint();
  }
  store_.save({checkpoint_of(path, 15, other_fp)});
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* file = file_at(*set, path);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->read_offset(), 0u);
  EXPECT_EQ(drain(*file), (std::vector<std::string>{"brand new file", "second"}));
}

TEST_F(FileSetTest, TheSameInodeWithTheSameFirstBytesResumes) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "brand new file\nsecond\n");
  Fingerprint fp;
  {
    TailedFile same(99, path, 1000);
    fp = same.fingerprint();
  }
  store_.save({checkpoint_of(path, 15, fp)});
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* file = file_at(*set, path);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(drain(*file), std::vector<std::string>{"second"});
}

TEST_F(FileSetTest, ARotatedFileIsDetachedAndReleasedOnlyOnceAcknowledged) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\ntwo\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* old_file = file_at(*set, path);
  ASSERT_NE(old_file, nullptr);
  const std::uint64_t old_id = old_file->id();
  EXPECT_EQ(drain(*old_file), (std::vector<std::string>{"one", "two"}));

  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  append_file(path + ".1", "three\n");  // the writer still had it open
  write_file(path, "fresh\n");          // and then reopened its path
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 2u);
  EXPECT_TRUE(set->find(old_id)->detached);
  TailedFile* new_file = file_at(*set, path);
  ASSERT_NE(new_file, nullptr);
  EXPECT_NE(new_file->id(), old_id);
  EXPECT_EQ(drain(*new_file), std::vector<std::string>{"fresh"});

  // Both are checkpointed, by inode: after a crash the rotated file is found
  // again under its new name and its rest is read.
  const auto cps = set->checkpoints();
  ASSERT_EQ(cps.size(), 2u);
  EXPECT_TRUE(std::any_of(cps.begin(), cps.end(), [&](const Checkpoint& cp) { return cp.inode == new_file->inode(); }));
  EXPECT_TRUE(std::any_of(cps.begin(), cps.end(),
                          [&](const Checkpoint& cp) { return cp.inode == set->find(old_id)->inode(); }));

  // The rotated file is read to its end, but kept until that is acknowledged.
  EXPECT_EQ(drain(*set->find(old_id)), std::vector<std::string>{"three"});
  set->acknowledge(old_id, 8);
  set->release_finished();
  ASSERT_NE(set->find(old_id), nullptr);
  set->acknowledge(old_id, 14);
  set->release_finished();
  EXPECT_EQ(set->find(old_id), nullptr);
  EXPECT_EQ(set->files().size(), 1u);
  EXPECT_NE(set->find(new_file->id()), nullptr);  // attached files are never released
}

TEST_F(FileSetTest, ADeletedFileIsDetachedAndReleasedOnceAcknowledged) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "only\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);
  TailedFile* file = set->files()[0].get();
  ASSERT_EQ(::unlink(path.c_str()), 0);
  ASSERT_TRUE(set->rescan());
  EXPECT_TRUE(file->detached);
  EXPECT_EQ(drain(*file), std::vector<std::string>{"only"});
  set->release_finished();
  EXPECT_EQ(set->files().size(), 1u);
  set->acknowledge(file->id(), 5);
  set->release_finished();
  EXPECT_TRUE(set->files().empty());
}

TEST_F(FileSetTest, ARotatedFileIsKeptWhileItMayStillBeWrittenTo) {
  // The writer appends to the renamed file until it reopens its path: letting
  // the file go as soon as it is read to its end would lose those lines.
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\n");
  FileSetOptions options;
  options.directory = logs_;
  options.sources = {GlobSet({"*.log"}, {})};
  options.rotated_quiet = std::chrono::hours(1);
  FileSet set(options, store_, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  TailedFile* file = set.files()[0].get();
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  ASSERT_TRUE(set.rescan());
  ASSERT_TRUE(file->detached);
  EXPECT_EQ(drain(*file), std::vector<std::string>{"one"});
  set.acknowledge(file->id(), 4);
  set.release_finished();
  ASSERT_EQ(set.files().size(), 1u);  // read and acknowledged, but not quiet yet
  append_file(path + ".1", "two\n");
  EXPECT_FALSE(file->was_replaced_in_place());
  EXPECT_EQ(drain(*file), std::vector<std::string>{"two"});
}

TEST_F(FileSetTest, AFileRenamedWithinTheSetIsNotReadTwice) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\ntwo\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  std::vector<std::string> lines = drain(*file_at(*set, path));
  ASSERT_EQ(std::rename(path.c_str(), (logs_ + "/app-20240501.log").c_str()), 0);
  append_file(logs_ + "/app-20240501.log", "three\n");
  ASSERT_TRUE(set->rescan());
  for (const auto& f : set->files()) {
    for (auto& line : drain(*f)) lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "three", "two"}));
}

TEST_F(FileSetTest, AMissingDirectoryReturnsFalseUntilItAppears) {
  const std::string later = dir_ / "later";
  auto set = make_set(later);
  EXPECT_FALSE(set->rescan());
  EXPECT_FALSE(set->rescan());
  EXPECT_TRUE(set->files().empty());
  std::filesystem::create_directory(later);
  write_file(later + "/a.log", "a\n");
  EXPECT_TRUE(set->rescan());
  ASSERT_EQ(set->files().size(), 1u);

  std::filesystem::remove_all(later);
  EXPECT_FALSE(set->rescan());
  EXPECT_TRUE(set->files()[0]->detached);
}


TEST_F(FileSetTest, IncludeAndExcludeWithDoubleStar) {
  std::filesystem::create_directories(logs_ + "/x/y");
  std::filesystem::create_directories(logs_ + "/tmp");
  write_file(logs_ + "/a.log", "a\n");
  write_file(logs_ + "/x/b.log", "b\n");
  write_file(logs_ + "/x/y/c.log", "c\n");
  write_file(logs_ + "/x/y/c.txt", "c\n");
  write_file(logs_ + "/tmp/d.log", "d\n");
  write_file(logs_ + "/x/debug-e.log", "e\n");
  FileSetOptions options;
  options.rotated_quiet = std::chrono::milliseconds(0);
  options.directory = logs_;
  options.sources = {GlobSet({"**/*.log"}, {"tmp/**", "**/debug-*.log"})};
  FileSet set(options, store_, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  EXPECT_EQ(paths(set), (std::vector<std::string>{logs_ + "/a.log", logs_ + "/x/b.log", logs_ + "/x/y/c.log"}));
  // A folder created later is searched too.
  std::filesystem::create_directories(logs_ + "/z");
  write_file(logs_ + "/z/f.log", "f\n");
  ASSERT_TRUE(set.rescan());
  EXPECT_EQ(set.files().size(), 4u);
}

TEST_F(FileSetTest, ARotatedFileIsResumedByInodeAfterARestart) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\ntwo\n");
  run_before_stop(path, 4, {"one", "two"});  // "one\n" accepted, then the sidecar died
  // While it was down: rotated, written to, and a new file created.
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  append_file(path + ".1", "three\n");
  write_file(path, "fresh\n");

  const CheckpointStore reloaded(dir_ / "state");
  FileSetOptions options;
  options.rotated_quiet = std::chrono::milliseconds(0);
  options.directory = logs_;
  options.sources = {GlobSet({"*.log"}, {})};
  FileSet set(options, reloaded, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  ASSERT_EQ(set.files().size(), 2u);
  std::vector<std::string> rotated;
  std::vector<std::string> fresh;
  for (const auto& f : set.files()) {
    if (f->path() == path + ".1") {
      EXPECT_TRUE(f->detached);
      rotated = drain(*f);
    } else {
      EXPECT_EQ(f->path(), path);
      fresh = drain(*f);
    }
  }
  EXPECT_EQ(rotated, (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(fresh, std::vector<std::string>{"fresh"});
}

TEST_F(FileSetTest, ARotatedFileFullyShippedIsNotReopenedAfterARestart) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\n");
  run_before_stop(path, 4);
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  const CheckpointStore reloaded(dir_ / "state");
  FileSetOptions options;
  options.rotated_quiet = std::chrono::milliseconds(0);
  options.directory = logs_;
  options.sources = {GlobSet({"*.log"}, {})};
  FileSet set(options, reloaded, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  EXPECT_TRUE(set.files().empty());
}

// logrotate copytruncate: the file is copied to app.log.1 and truncated; lines
// written between the last read and the copy are only in the copy.
class CopyTruncateTest : public FileSetTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(CopyTruncateTest, TheCopyIsFoundAndReadFromWhereTheOriginalWasLeft) {
  const std::string path = logs_ + "/app.log";
  // GetParam(): bytes of the first line, so the file is smaller or larger
  // than the fingerprint (1024 bytes) when it is copied.
  const std::string first_line(GetParam(), 'h');
  write_file(path, first_line + "\ntwo\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* file = file_at(*set, path);
  ASSERT_NE(file, nullptr);
  std::vector<std::string> lines = drain(*file);
  set->acknowledge(file->id(), file->read_offset());
  (void)set->checkpoints();  // as after an acknowledgement

  append_file(path, "three\n");  // written, not yet read
  std::filesystem::copy_file(path, path + ".1");
  ::truncate(path.c_str(), 0);
  (void)set->checkpoints();  // an acknowledgement may come in between
  append_file(path, "four\n");

  ASSERT_TRUE(file->was_replaced_in_place());
  set->handle_replaced(*file);
  ASSERT_TRUE(set->rescan());
  for (std::size_t i = 0; i < set->files().size(); ++i) {
    for (auto& line : drain(*set->files()[i])) lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());  // the copy and the file are read in any order
  std::vector<std::string> want{first_line, "two", "three", "four"};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(lines, want);
}

INSTANTIATE_TEST_SUITE_P(SmallAndLarge, CopyTruncateTest, ::testing::Values(3u, 2000u));


TEST_F(FileSetTest, AcknowledgementsOfLinesReadBeforeACopytruncateDoNotMoveTheNewContent) {
  // Lines read from the old content are still in flight when the file is
  // truncated; their acknowledgements (file id + offset) arrive afterwards.
  const std::string path = logs_ + "/app.log";
  write_file(path, "old line one\nold line two\n");  // 26 bytes
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* file = file_at(*set, path);
  ASSERT_NE(file, nullptr);
  const std::uint64_t id_then = file->id();
  EXPECT_EQ(drain(*file), (std::vector<std::string>{"old line one", "old line two"}));
  EXPECT_EQ(file->acked_offset(), 0u);  // nothing acknowledged yet

  std::filesystem::copy_file(path, path + ".1");
  ::truncate(path.c_str(), 0);
  append_file(path, "new content, a longer first line\nnew 2\n");
  ASSERT_TRUE(file->was_replaced_in_place());
  set->handle_replaced(*file);

  // The late acknowledgement, applied as the pipeline does.
  set->acknowledge(id_then, 26);

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  for (const Checkpoint& cp : set->checkpoints()) {
    if (cp.inode == st.st_ino) {
      EXPECT_EQ(cp.offset, 0u) << "the new content was never read, yet its checkpoint skips bytes of it";
    }
  }
  // Until the late acknowledgement, the copy is not done with; after it, it is.
  std::vector<std::string> rest;
  for (const auto& f : set->files()) {
    if (f->path() == path + ".1") {
      EXPECT_EQ(drain(*f), std::vector<std::string>{});
      EXPECT_EQ(f->acked_offset(), 26u);
    }
  }
}


TEST_F(FileSetTest, ACopytruncateWhileTheSidecarWasDownIsFoundByTheCopysFirstBytes) {
  const std::string path = logs_ + "/app.log";
  write_file(path, "one\ntwo\n");
  run_before_stop(path, 4, {"one", "two"});  // "one\n" accepted, then the sidecar stopped
  // While it was down: a line written, logrotate copytruncate, more lines.
  append_file(path, "three\n");
  std::filesystem::copy_file(path, path + ".1");
  ::truncate(path.c_str(), 0);
  append_file(path, "four\n");

  const CheckpointStore reloaded(dir_ / "state");
  FileSetOptions options;
  options.rotated_quiet = std::chrono::milliseconds(0);
  options.directory = logs_;
  options.sources = {GlobSet({"*.log"}, {})};
  FileSet set(options, reloaded, watcher_, counters_, log_);
  ASSERT_TRUE(set.rescan());
  std::vector<std::string> lines;
  for (const auto& f : set.files()) {
    for (auto& line : drain(*f)) lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"four", "three", "two"}));
}

TEST_F(FileSetTest, AScanMarksDueOnlyTheFilesThatChanged) {
  write_file(logs_ + "/a.log", "a1\n");
  write_file(logs_ + "/b.log", "b1\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  for (const auto& f : set->files()) {
    EXPECT_TRUE(f->due);  // new: worth reading
    drain(*f);
    EXPECT_FALSE(f->due);  // read to its end
  }
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(file_at(*set, logs_ + "/a.log")->due);
  append_file(logs_ + "/b.log", "b2\n");
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(file_at(*set, logs_ + "/a.log")->due);
  EXPECT_TRUE(file_at(*set, logs_ + "/b.log")->due);
  EXPECT_EQ(drain(*file_at(*set, logs_ + "/b.log")), (std::vector<std::string>{"b2"}));
  EXPECT_EQ(counters_.folders_polled.load(), 1);  // a polling watcher
}

TEST_F(FileSetTest, AWriteTheWatcherSawMakesItsOpenFileDue) {
  write_file(logs_ + "/a.log", "a1\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  TailedFile* file = file_at(*set, logs_ + "/a.log");
  drain(*file);
  EXPECT_FALSE(set->mark_changed({logs_ + "/other.log", logs_ + "/a.log.1"}));
  EXPECT_FALSE(file->due);
  EXPECT_FALSE(set->mark_changed({logs_ + "/a.log"}));  // open: no rescan needed
  EXPECT_TRUE(file->due);
}

TEST_F(FileSetTest, TheSummaryOfTheOpenFilesFollowsEveryChangeToThem) {
  write_file(logs_ + "/a.log", "a1\n");
  auto set = make_set();
  ASSERT_TRUE(set->rescan());
  EXPECT_TRUE(set->wants_reading());  // new: due
  EXPECT_EQ(set->backlog_bytes(), 3u);
  TailedFile* file = file_at(*set, logs_ + "/a.log");
  drain(*file);
  set->read();
  EXPECT_FALSE(set->wants_reading());
  EXPECT_EQ(set->backlog_bytes(), 3u);  // read, not acknowledged
  set->acknowledge(file->id(), 3);
  EXPECT_EQ(set->backlog_bytes(), 0u);
  append_file(logs_ + "/a.log", "a2\n");
  EXPECT_FALSE(set->wants_reading());  // nothing said so yet
  EXPECT_FALSE(set->mark_changed({logs_ + "/a.log"}));
  EXPECT_TRUE(set->wants_reading());
  EXPECT_FALSE(set->wants_timed_look());
  std::remove((logs_ + "/a.log").c_str());
  ASSERT_TRUE(set->rescan());
  EXPECT_TRUE(set->wants_timed_look());  // detached: read to its end, then released
}

TEST_F(FileSetTest, TheSafetyCheckSeesWhatAMissedWatchEventWouldHaveSaid) {
  // The clock stands still: within the second after a listing, the check
  // compares names and inodes, whatever the folder's time says.
  const cw::testing::ManualClock clock;
  write_file(logs_ + "/a.log", "a1\n");
  write_file(logs_ + "/b.log", "b1\n");
  write_file(logs_ + "/notes.txt", "n\n");
  auto set = make_set({}, clock);
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(set->safety_check());
  write_file(logs_ + "/other.txt", "not shipped\n");
  EXPECT_FALSE(set->safety_check());

  write_file(logs_ + "/c.log", "c1\n");  // created
  EXPECT_TRUE(set->safety_check());
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(set->safety_check());

  std::filesystem::rename(logs_ + "/a.log", logs_ + "/a.log.1");  // rotated: a new file at the name
  write_file(logs_ + "/a.log", "a2\n");
  EXPECT_TRUE(set->safety_check());
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(set->safety_check());

  std::filesystem::remove(logs_ + "/b.log");  // deleted
  EXPECT_TRUE(set->safety_check());
  ASSERT_TRUE(set->rescan());
  EXPECT_FALSE(set->safety_check());
}

TEST_F(FileSetTest, AFolderTheListingDidNotSeeTakesARescanEvenEmpty) {
  cw::testing::ManualClock clock;
  write_file(logs_ + "/a.log", "a1\n");
  FileSetOptions options;
  options.directory = logs_;
  options.sources = {GlobSet({"**/*.log"}, {})};
  FileSet set(options, store_, watcher_, counters_, log_, clock);
  age_folder(logs_);
  ASSERT_TRUE(set.rescan());
  std::filesystem::create_directory(logs_ + "/new");  // its watch event was missed
  age_folder(logs_);  // as if in the listing's clock tick
  clock.advance(std::chrono::seconds(2));
  EXPECT_TRUE(set.safety_check());
  ASSERT_TRUE(set.rescan());
  clock.advance(std::chrono::seconds(2));
  EXPECT_FALSE(set.safety_check());
}

TEST_F(FileSetTest, OnceItsNamesWereCheckedAQuietFolderCostsOneStat) {
  cw::testing::ManualClock clock;
  write_file(logs_ + "/a.log", "a1\n");
  std::filesystem::create_directory(logs_ + "/sub");
  age_folder(logs_);
  auto set = make_set({}, clock);
  ASSERT_TRUE(set->rescan());
  clock.advance(std::chrono::seconds(2));
  EXPECT_FALSE(set->safety_check());  // names and inodes compared once

  // A change that kept the folder's time (as one in the listing's clock
  // tick would) is no longer looked for: the names are not read again.
  write_file(logs_ + "/b.log", "b1\n");
  age_folder(logs_);
  EXPECT_FALSE(set->safety_check());
  // Any other change moves the folder's time.
  write_file(logs_ + "/c.log", "c1\n");
  EXPECT_TRUE(set->safety_check());
  ASSERT_TRUE(set->rescan());
  EXPECT_EQ(paths(*set), (std::vector<std::string>{logs_ + "/a.log", logs_ + "/b.log", logs_ + "/c.log"}));
}

}  // namespace
}  // namespace cw::source
