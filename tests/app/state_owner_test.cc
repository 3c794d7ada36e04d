#include "app/state_owner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "../source/temp_dir.h"
#include "support/manual_clock.h"

namespace cw::app {
namespace {

using cw::testing::ManualClock;
using cw::testing::TempDir;
using namespace std::chrono_literals;

const source::LockHolder kOwner{4242, "node-a", "2026-12-07T01:02:03Z"};
const source::LockHolder kMe{77, "node-b", "2026-12-07T01:02:04Z"};

// Moves on by `step` every time it is read, so a wait measured on it ends
// after a known number of attempts, however fast the machine.
class SteppingClock final : public MonotonicClock {
 public:
  explicit SteppingClock(duration step) : step_(step) {}
  time_point now() const override { return now_ += step_; }

 private:
  duration step_;
  mutable time_point now_{};
};

struct Pipe {
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int fds[2] = {-1, -1};
};

// The log lines go to a temporary file, read back by the test.
struct CapturedLog {
  TempDir dir;
  int fd = ::open((dir / "log").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  Logger log{LogLevel::kInfo, fd};
  ~CapturedLog() { ::close(fd); }
  std::string text() const { return cw::testing::read_file(dir / "log"); }
};

TEST(StateOwner, AFreeStateDirIsOwnedAtOnceWithoutAWord) {
  TempDir dir;
  Pipe stop;
  Counters counters;
  CapturedLog out;
  ManualClock clock;
  source::StateLock lock(dir.path());
  EXPECT_TRUE(own_state_dir(lock, {std::nullopt, kMe}, stop.fds[0], counters, out.log, clock));
  EXPECT_EQ(lock.holder()->pid, 77);
  EXPECT_FALSE(counters.waiting_for_state_lock.load());
  EXPECT_EQ(out.text(), "");
}

TEST(StateOwner, AWaiterSaysOnceWhoOwnsItIsHealthyMeanwhileAndTakesOverWhenTheOwnerStops) {
  TempDir dir;
  Pipe stop;
  Counters counters;
  CapturedLog out;
  auto owner = std::make_unique<source::StateLock>(dir.path());
  ASSERT_EQ(owner->try_take(kOwner), source::LockOutcome::kTaken);
  source::StateLock lock(dir.path());
  std::atomic<int> result{-1};
  std::thread waiter([&] {
    result = own_state_dir(lock, {std::nullopt, kMe, 5ms}, stop.fds[0], counters, out.log) ? 1 : 0;
  });
  while (!counters.waiting_for_state_lock.load()) std::this_thread::yield();
  EXPECT_EQ(result.load(), -1);
  owner.reset();  // the owner stops
  waiter.join();
  EXPECT_EQ(result.load(), 1);
  EXPECT_FALSE(counters.waiting_for_state_lock.load());
  const std::string text = out.text();
  EXPECT_NE(text.find("is owned by pid 4242 on host node-a since 2026-12-07T01:02:03Z; waiting for it to stop "
                      "(for ever, STATE_LOCK_WAIT_S)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("is owned by"), text.rfind("is owned by")) << "said once: " << text;
  EXPECT_NE(text.find("took the state lock"), std::string::npos) << text;
  EXPECT_EQ(lock.holder()->pid, 77);
}

TEST(StateOwner, AStopWhileWaitingEndsTheWaitWithoutTheLock) {
  TempDir dir;
  Pipe stop;
  Counters counters;
  CapturedLog out;
  source::StateLock owner(dir.path());
  ASSERT_EQ(owner.try_take(kOwner), source::LockOutcome::kTaken);
  source::StateLock lock(dir.path());
  ASSERT_EQ(::write(stop.fds[1], "x", 1), 1);
  EXPECT_FALSE(own_state_dir(lock, {std::nullopt, kMe}, stop.fds[0], counters, out.log));
  EXPECT_FALSE(counters.waiting_for_state_lock.load());
  EXPECT_EQ(lock.holder()->pid, 4242) << "the owner's lock file is left as it was";
}

TEST(StateOwner, TheLongestWaitEndsInAnErrorNamingTheOwner) {
  TempDir dir;
  Pipe stop;
  Counters counters;
  CapturedLog out;
  source::StateLock owner(dir.path());
  ASSERT_EQ(owner.try_take(kOwner), source::LockOutcome::kTaken);
  source::StateLock lock(dir.path());
  SteppingClock clock(400ms);
  try {
    own_state_dir(lock, {std::chrono::seconds(1), kMe, 1ms}, stop.fds[0], counters, out.log, clock);
    FAIL() << "expected StateLockTimeout";
  } catch (const StateLockTimeout& e) {
    EXPECT_NE(std::string(e.what()).find("still owned by pid 4242 on host node-a"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("after 1 s (STATE_LOCK_WAIT_S)"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(counters.waiting_for_state_lock.load());

  ManualClock frozen;  // 0: no wait at all, whatever the clock
  EXPECT_THROW(own_state_dir(lock, {std::chrono::seconds(0), kMe}, stop.fds[0], counters, out.log, frozen),
               StateLockTimeout);
}

}  // namespace
}  // namespace cw::app
