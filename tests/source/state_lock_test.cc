#include "source/state_lock.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "temp_dir.h"

namespace cw::source {
namespace {

using cw::testing::TempDir;

const LockHolder kFirst{4242, "node-a", "2026-12-07T01:02:03Z"};
const LockHolder kSecond{77, "node-b", "2026-12-07T01:02:04Z"};

ino_t inode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_ino;
}

TEST(StateLock, ASecondTakerIsToldItIsHeldAndByWhom) {
  TempDir dir;
  StateLock first(dir.path());
  ASSERT_EQ(first.try_take(kFirst), LockOutcome::kTaken);
  StateLock second(dir.path());
  EXPECT_EQ(second.try_take(kSecond), LockOutcome::kHeld);
  const auto holder = second.holder();
  ASSERT_TRUE(holder.has_value());
  EXPECT_EQ(holder->describe(), "pid 4242 on host node-a since 2026-12-07T01:02:03Z");
  EXPECT_EQ(second.try_take(kSecond), LockOutcome::kHeld) << "asking again does not take it";
}

TEST(StateLock, ItIsFreeOnceTheHolderIsGoneAndTheNextHolderIsNamed) {
  TempDir dir;
  const std::string path = dir / "lock";
  ino_t inode = 0;
  {
    StateLock first(dir.path());
    ASSERT_EQ(first.try_take(kFirst), LockOutcome::kTaken);
    inode = inode_of(path);
  }
  StateLock second(dir.path());
  ASSERT_EQ(second.try_take(kSecond), LockOutcome::kTaken);
  EXPECT_EQ(second.holder()->describe(), "pid 77 on host node-b since 2026-12-07T01:02:04Z")
      << "a shorter text replaces the longer one whole";
  EXPECT_EQ(inode_of(path), inode) << "the lock file is never replaced: a new inode would be a second lock";
}

TEST(StateLock, AKilledHolderLeavesNoLockBehind) {
  TempDir dir;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    StateLock held(dir.path());
    const char ok = held.try_take(kFirst) == LockOutcome::kTaken ? '1' : '0';
    [[maybe_unused]] const auto n = ::write(ready[1], &ok, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char ok = 0;
  ASSERT_EQ(::read(ready[0], &ok, 1), 1);
  ::close(ready[0]);
  ASSERT_EQ(ok, '1');
  StateLock waiter(dir.path());
  EXPECT_EQ(waiter.try_take(kSecond), LockOutcome::kHeld);
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(waiter.try_take(kSecond), LockOutcome::kTaken);
}

TEST(StateLock, AnEmptyOrForeignLockFileNamesNoHolder) {
  TempDir dir;
  StateLock lock(dir.path());
  EXPECT_FALSE(lock.holder().has_value());
  cw::testing::write_file(dir / "lock", "garbage\n");
  EXPECT_FALSE(lock.holder().has_value());
  EXPECT_EQ(LockHolder{}.describe(), "an unknown process");
}

}  // namespace
}  // namespace cw::source
