#include "source/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "support/manual_clock.h"
#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::read_file;
using cw::testing::ManualClock;
using cw::testing::TempDir;
using cw::testing::write_file;

constexpr std::string_view kHeader = "cw-sidecar checkpoints v1\n";

Checkpoint checkpoint(std::uint64_t inode, std::uint64_t offset, std::string path) {
  return Checkpoint{64769, inode, Fingerprint{1024, 0xdeadbeefcafe1234ULL + inode}, offset, std::move(path)};
}

void expect_same(const Checkpoint& a, const Checkpoint& b) {
  EXPECT_EQ(a.device, b.device);
  EXPECT_EQ(a.inode, b.inode);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.offset, b.offset);
  EXPECT_EQ(a.path, b.path);
}

TEST(CheckpointStore, FirstStartIsEmptyAndCreatesTheFolder) {
  TempDir dir;
  const std::string state = dir / "a/b/state";
  CheckpointStore store(state);
  EXPECT_TRUE(store.all().empty());
  EXPECT_TRUE(std::filesystem::is_directory(state));
  EXPECT_EQ(store.path(), state + "/checkpoints");
  EXPECT_FALSE(store.find(1, 2).has_value());
}

TEST(CheckpointStore, SaveThenReloadRoundTrips) {
  TempDir dir;
  const std::vector<Checkpoint> saved = {
      checkpoint(11, 0, "/var/log/app/plain.log"),
      checkpoint(12, 123'456'789'012ULL, "/var/log/my app/with spaces.log"),
      checkpoint(13, 42, "/tmp/new\nline.log"),
      checkpoint(14, 7, "C:\\odd\\back\\slash\\n.log"),
      checkpoint(15, 8, " leading and trailing space "),
      Checkpoint{~0ULL, ~0ULL, Fingerprint{0, 0}, ~0ULL, ""},
  };
  {
    CheckpointStore store(dir.path());
    store.save(saved);
    ASSERT_EQ(store.all().size(), saved.size());
  }
  const CheckpointStore reloaded(dir.path());
  ASSERT_EQ(reloaded.all().size(), saved.size());
  for (std::size_t i = 0; i < saved.size(); ++i) {
    SCOPED_TRACE(i);
    expect_same(reloaded.all()[i], saved[i]);
  }
  const auto found = reloaded.find(64769, 13);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->path, "/tmp/new\nline.log");
  EXPECT_EQ(found->offset, 42u);
  EXPECT_FALSE(reloaded.find(64770, 13).has_value());  // same inode, other device
}

TEST(CheckpointStore, NoTemporaryFileRemainsAfterSave) {
  TempDir dir;
  CheckpointStore store(dir.path());
  store.save({checkpoint(1, 10, "a.log")});
  store.save({checkpoint(1, 20, "a.log")});
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"checkpoints"});
  EXPECT_EQ(read_file(store.path()).rfind(kHeader, 0), 0u);
}

TEST(CheckpointStore, SaveReplacesTheWholeSet) {
  TempDir dir;
  {
    CheckpointStore store(dir.path());
    store.save({checkpoint(1, 10, "a.log"), checkpoint(2, 20, "b.log")});
    store.save({checkpoint(2, 25, "b.log")});
    EXPECT_FALSE(store.find(64769, 1).has_value());
    ASSERT_TRUE(store.find(64769, 2).has_value());
    EXPECT_EQ(store.find(64769, 2)->offset, 25u);
  }
  const CheckpointStore reloaded(dir.path());
  ASSERT_EQ(reloaded.all().size(), 1u);
  EXPECT_EQ(reloaded.all()[0].inode, 2u);
  EXPECT_EQ(reloaded.all()[0].offset, 25u);

  CheckpointStore again(dir.path());
  again.save({});
  EXPECT_TRUE(CheckpointStore(dir.path()).all().empty());
}

TEST(CheckpointStore, DamagedLinesAreSkipped) {
  TempDir dir;
  write_file(dir / "checkpoints", std::string(kHeader) +
                                      "1 100 1024 abc 50 good.log\n"
                                      "garbage\n"
                                      "1 101 1024\n"
                                      "1 102 1024 xyz-not-hex\n"
                                      "1 103 1024 ff notanumber bad.log\n"
                                      "\n"
                                      "1 104 16 0 7 also good.log\n");
  const CheckpointStore store(dir.path());
  ASSERT_EQ(store.all().size(), 2u);
  EXPECT_EQ(store.all()[0].inode, 100u);
  EXPECT_EQ(store.all()[0].fingerprint.hash, 0xabcu);
  EXPECT_EQ(store.all()[0].offset, 50u);
  EXPECT_EQ(store.all()[0].path, "good.log");
  EXPECT_EQ(store.all()[1].inode, 104u);
  EXPECT_EQ(store.all()[1].path, "also good.log");
}

TEST(CheckpointStore, WithASyncIntervalTheSyncedCopyFollowsAtMostThatOften) {
  TempDir dir;
  ManualClock clock;  // t = 0: a machine that has just booted
  CheckpointStore store(dir.path(), std::chrono::hours(1), clock);
  store.save({checkpoint(1, 10, "a.log")});  // the first save is made durable at once
  EXPECT_FALSE(store.sync_due().has_value());
  EXPECT_NE(read_file(dir / "checkpoints.synced").find(" 10 a.log\n"), std::string::npos);
  clock.advance(std::chrono::minutes(1));
  store.save({checkpoint(1, 20, "a.log")});
  ASSERT_TRUE(store.sync_due().has_value());
  EXPECT_EQ(*store.sync_due(), ManualClock::time_point{} + std::chrono::hours(1));
  EXPECT_NE(read_file(dir / "checkpoints").find(" 20 a.log\n"), std::string::npos);
  EXPECT_NE(read_file(dir / "checkpoints.synced").find(" 10 a.log\n"), std::string::npos);

  store.sync();
  EXPECT_FALSE(store.sync_due().has_value());
  EXPECT_EQ(read_file(dir / "checkpoints.synced"), read_file(dir / "checkpoints"));
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"checkpoints", "checkpoints.synced"}));
}

TEST(CheckpointStore, ASaveAnIntervalAfterTheLastSyncIsMadeDurableByItself) {
  TempDir dir;
  ManualClock clock;
  CheckpointStore store(dir.path(), std::chrono::seconds(1), clock);
  store.save({checkpoint(1, 10, "a.log")});
  clock.advance(std::chrono::milliseconds(999));
  store.save({checkpoint(1, 20, "a.log")});
  EXPECT_TRUE(store.sync_due().has_value()) << "a save within the interval waits";
  clock.advance(std::chrono::milliseconds(1));
  store.save({checkpoint(1, 30, "a.log")});
  EXPECT_FALSE(store.sync_due().has_value()) << "a save an interval after the last sync is synced";
  EXPECT_EQ(read_file(dir / "checkpoints.synced"), read_file(dir / "checkpoints"));
}

TEST(CheckpointStore, TheFirstSaveOfEveryRunIsDurableWhateverTheClockReads) {
  TempDir dir;
  // At t = 0 and at the largest reading; a new store has synced nothing yet.
  for (const auto start : {ManualClock::time_point{}, ManualClock::time_point::max() - std::chrono::hours(2)}) {
    ManualClock clock(start);
    CheckpointStore store(dir.path(), std::chrono::hours(1), clock);
    const std::uint64_t offset = store.all().empty() ? 10 : store.all()[0].offset + 10;
    store.save({checkpoint(1, offset, "a.log")});
    EXPECT_FALSE(store.sync_due().has_value());
    EXPECT_EQ(read_file(dir / "checkpoints.synced"), read_file(dir / "checkpoints"));
  }
}

TEST(CheckpointStore, ReloadTakesTheNewerWholeFileOfTheTwo) {
  TempDir dir;
  const std::string older = std::string(kHeader) + "1 7 1024 ab 100 a.log\nend 3\n";
  const std::string newer = std::string(kHeader) + "1 7 1024 ab 200 a.log\nend 5\n";
  for (const bool synced_is_newer : {false, true}) {
    SCOPED_TRACE(synced_is_newer);
    write_file(dir / "checkpoints", synced_is_newer ? older : newer);
    write_file(dir / "checkpoints.synced", synced_is_newer ? newer : older);
    CheckpointStore store(dir.path(), std::chrono::hours(1));
    ASSERT_EQ(store.all().size(), 1u);
    EXPECT_EQ(store.all()[0].offset, 200u);
    // Later saves count on from the newer one, so they win the next reload.
    store.save({checkpoint(7, 300, "a.log")});
    EXPECT_NE(read_file(dir / "checkpoints").find("end 6 "), std::string::npos);
  }
}

TEST(CheckpointStore, AFileCutShortFallsBackToTheSyncedCopy) {
  TempDir dir;
  write_file(dir / "checkpoints.synced", std::string(kHeader) + "1 7 1024 ab 100 a.log\n1 8 1024 ab 5 b.log\nend 4\n");
  // What a crash of the machine can leave of a file renamed before its data reached the disk.
  for (const std::string& damaged : {std::string(), std::string(kHeader) + "1 7 1024 ab 900 a.log\n",
                                     std::string(kHeader) + "1 7 1024 ab 900 a.log\nend 9\n1 8"}) {
    SCOPED_TRACE(damaged);
    write_file(dir / "checkpoints", damaged);
    const CheckpointStore store(dir.path(), std::chrono::hours(1));
    ASSERT_EQ(store.all().size(), 2u);
    EXPECT_EQ(store.all()[0].offset, 100u);
  }
}

TEST(CheckpointStore, UnrecognisedHeaderThrows) {
  TempDir dir;
  write_file(dir / "checkpoints", "cw-sidecar checkpoints v2\n1 2 3 4 5 a.log\n");
  EXPECT_THROW(CheckpointStore{dir.path()}, std::runtime_error);
  write_file(dir / "checkpoints", "1 2 3 4 5 a.log\n");
  try {
    CheckpointStore store(dir.path());
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "checkpoints"), std::string::npos) << e.what();
  }
}

TEST(CheckpointStore, AStateFolderThatIsAFileThrows) {
  TempDir dir;
  write_file(dir / "file", "x");
  EXPECT_THROW(CheckpointStore{dir / "file"}, std::runtime_error);
}

TEST(CheckpointStore, BetweenSyncsSavesRewriteTheStateFileInPlace) {
  TempDir dir;
  ManualClock clock;
  CheckpointStore store(dir.path(), std::chrono::hours(1), clock);
  store.save({checkpoint(1, 10, "a.log"), checkpoint(2, 10, "b.log")});
  struct stat before {};
  ASSERT_EQ(::stat((dir / "checkpoints").c_str(), &before), 0);
  store.save({checkpoint(1, 20, "a.log")});  // shorter: the tail is cut
  store.save({checkpoint(1, 30, "a.log")});
  struct stat after {};
  ASSERT_EQ(::stat((dir / "checkpoints").c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);  // no new file
  const std::string text = read_file(dir / "checkpoints");
  EXPECT_EQ(text.find("b.log"), std::string::npos);
  EXPECT_EQ(CheckpointStore(dir.path()).all()[0].offset, 30u);
}

TEST(CheckpointStore, TheFirstWriteOfARunReplacesTheFileWhole) {
  // An older version's file has no hash: written over in part, it could pass
  // for a whole one. So the first write of a run is a new file.
  TempDir dir;
  write_file(dir / "checkpoints", std::string(kHeader) + "1 7 1024 ab 100 a.log\nend 3\n");
  struct stat before {};
  ASSERT_EQ(::stat((dir / "checkpoints").c_str(), &before), 0);
  ManualClock clock;
  CheckpointStore store(dir.path(), std::chrono::hours(1), clock);
  ASSERT_EQ(store.all().size(), 1u);
  store.save({checkpoint(7, 200, "a.log")});
  struct stat after {};
  ASSERT_EQ(::stat((dir / "checkpoints").c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
}

TEST(CheckpointStore, AStateFileWrittenInPartFallsBackToTheSyncedCopy) {
  TempDir dir;
  ManualClock clock;
  {
    CheckpointStore store(dir.path(), std::chrono::hours(1), clock);
    store.save({checkpoint(1, 10, "a.log")});  // synced
    store.save({checkpoint(1, 123456, "a.log")});
  }
  std::string text = read_file(dir / "checkpoints");
  const std::size_t at = text.find("123456");
  ASSERT_NE(at, std::string::npos);
  text[at] = '9';  // a write that reached only some of the bytes
  write_file(dir / "checkpoints", text);
  EXPECT_EQ(CheckpointStore(dir.path()).all()[0].offset, 10u);
}

TEST(CheckpointStore, AHashedFileIsWholeOnlyWithItsHashInFull) {
  // A torn trailer must not pass for an older version's trailer, which has
  // no hash: a hash field cut, grown or gone makes the file not whole.
  TempDir dir;
  {
    CheckpointStore store(dir.path(), std::chrono::hours(1));
    store.save({checkpoint(1, 10, "a.log")});  // synced
    store.save({checkpoint(1, 20, "a.log")});
  }
  const std::string whole = read_file(dir / "checkpoints");
  const std::size_t trailer = whole.rfind("end ");
  ASSERT_NE(trailer, std::string::npos);
  const std::string hash = whole.substr(whole.rfind(' ') + 1, 16);
  ASSERT_EQ(hash.size(), 16u);
  for (const std::string& end : {std::string("end 2\n"), "end 2 " + hash + "0\n", "end 2 " + hash.substr(1) + "\n",
                                 "end 2 " + hash + " \n"}) {
    SCOPED_TRACE(end);
    write_file(dir / "checkpoints", whole.substr(0, trailer) + end);
    EXPECT_EQ(CheckpointStore(dir.path()).all()[0].offset, 10u);  // the synced copy
  }
  write_file(dir / "checkpoints", whole);
  EXPECT_EQ(CheckpointStore(dir.path()).all()[0].offset, 20u);
}

TEST(CheckpointStore, AHashedFileNotWholeWithNoSyncedCopySaysNothing) {
  TempDir dir;
  {
    CheckpointStore store(dir.path(), std::chrono::hours(1));
    store.save({checkpoint(1, 10, "a.log")});
    store.save({checkpoint(1, 123456, "a.log")});
  }
  std::string text = read_file(dir / "checkpoints");
  text[text.find("123456")] = '9';
  write_file(dir / "checkpoints", text);
  std::filesystem::remove(dir / "checkpoints.synced");
  EXPECT_TRUE(CheckpointStore(dir.path()).all().empty());  // read again from the start: never past what was accepted
}

TEST(CheckpointStore, BytesAfterAWholeFileAreIgnored) {
  TempDir dir;
  {
    CheckpointStore store(dir.path(), std::chrono::hours(1));
    store.save({checkpoint(1, 10, "a.log")});
    store.save({checkpoint(1, 20, "a.log")});
  }
  // A longer version's tail, left when a crash came between write and truncate.
  write_file(dir / "checkpoints", read_file(dir / "checkpoints") + "64769 2 1024 ab 99 b.log\nend 1 0\n");
  const CheckpointStore reloaded(dir.path());
  ASSERT_EQ(reloaded.all().size(), 1u);
  EXPECT_EQ(reloaded.all()[0].offset, 20u);
}

TEST(CheckpointStore, AFolderThatGoesAwayIsAFailureRetriedWithBackoffNotAThrow) {
  TempDir dir;
  const std::string state = dir / "state";
  ManualClock clock;
  CheckpointStore store(state, std::chrono::seconds(1), clock);
  store.save({checkpoint(1, 10, "a.log")});
  EXPECT_TRUE(store.failure().empty());

  // Replaced by a file: not even the folder can be made again.
  std::filesystem::remove_all(state);
  write_file(state, "not a folder");
  store.save({checkpoint(1, 20, "a.log")});
  EXPECT_NE(store.failure().find(state), std::string::npos) << store.failure();
  EXPECT_EQ(store.failure_errno(), ENOTDIR);
  EXPECT_EQ(store.all()[0].offset, 20u);  // kept in memory
  ASSERT_TRUE(store.sync_due().has_value());
  EXPECT_EQ(*store.sync_due(), ManualClock::time_point{} + std::chrono::milliseconds(100));
  clock.advance(std::chrono::milliseconds(50));
  store.save({checkpoint(1, 30, "a.log")});  // before the retry: memory only
  EXPECT_EQ(*store.sync_due(), ManualClock::time_point{} + std::chrono::milliseconds(100));
  clock.advance(std::chrono::milliseconds(50));
  store.sync();  // the retry fails: the wait doubles
  EXPECT_FALSE(store.failure().empty());
  EXPECT_EQ(*store.sync_due(), ManualClock::time_point{} + std::chrono::milliseconds(300));

  // Gone: the retry makes it again and writes the last set, durably.
  std::filesystem::remove(state);
  clock.advance(std::chrono::milliseconds(200));
  store.sync();
  EXPECT_TRUE(store.failure().empty()) << store.failure();
  EXPECT_EQ(store.failure_errno(), 0);
  EXPECT_FALSE(store.sync_due().has_value());
  EXPECT_EQ(read_file(state + "/checkpoints.synced"), read_file(state + "/checkpoints"));
  CheckpointStore reloaded(state);
  ASSERT_EQ(reloaded.all().size(), 1u);
  EXPECT_EQ(reloaded.all()[0].offset, 30u);
}

TEST(CheckpointStore, WithoutASyncIntervalAFailedSaveIsRetriedToo) {
  TempDir dir;
  const std::string state = dir / "state";
  ManualClock clock;
  CheckpointStore store(state, std::chrono::milliseconds(0), clock);
  std::filesystem::remove_all(state);  // removed while running
  store.save({checkpoint(1, 10, "a.log")});
  EXPECT_EQ(store.failure_errno(), ENOENT) << store.failure();
  clock.advance(std::chrono::milliseconds(100));
  store.save({checkpoint(1, 11, "a.log")});  // due: made again, and written
  EXPECT_TRUE(store.failure().empty()) << store.failure();
  EXPECT_EQ(CheckpointStore(state).all()[0].offset, 11u);
}

TEST(CheckpointStore, FingerprintHashesTheFirstBytes) {
  TempDir dir;
  write_file(dir / "f", "hello world");
  const int fd = ::open((dir / "f").c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  const Fingerprint all = fingerprint_of(fd);
  EXPECT_EQ(all.length, 11u);
  EXPECT_EQ(all.hash, 0x779a65e7023cd2e7ULL);  // FNV-1a 64 of "hello world"
  const Fingerprint five = fingerprint_of(fd, 5);
  EXPECT_EQ(five.length, 5u);
  EXPECT_NE(five.hash, all.hash);
  ::close(fd);

  write_file(dir / "big", std::string(5000, 'z'));
  const int big = ::open((dir / "big").c_str(), O_RDONLY);
  EXPECT_EQ(fingerprint_of(big).length, kFingerprintBytes);
  ::close(big);

  write_file(dir / "empty", "");
  const int empty = ::open((dir / "empty").c_str(), O_RDONLY);
  EXPECT_EQ(fingerprint_of(empty), Fingerprint{});
  ::close(empty);
}

}  // namespace
}  // namespace cw::source
