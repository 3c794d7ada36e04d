// SenderPool against a scripted service: back-pressure, completions with
// their sequence numbers, and a fatal error reaching the reader.

#include "cloudwatch/sender_pool.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <atomic>
#include <set>

#include "scripted_logs_api.h"

namespace cw::cloudwatch {
namespace {

using testing::accepted;
using testing::refused;
using testing::ScriptedLogsApi;

class NoPause final : public Pause {
 public:
  bool wait_for(std::chrono::milliseconds) override { return false; }
};

class SenderPoolTest : public ::testing::Test {
 protected:
  SenderPoolTest() = default;

  std::unique_ptr<SenderPool> make_pool(int senders, ScriptedLogsApi::Responder responder = {}) {
    return std::make_unique<SenderPool>(
        senders, Limits{},
        [this, responder] {
          auto api = std::make_unique<ScriptedLogsApi>(responder);
          apis_.push_back(api.get());
          return api;
        },
        DeliveryContext{options_, governor_, pause_, counters_, dead_letter_, trouble_, log_}, completed_);
  }

  static void fill(Batch& batch, std::string_view message) {
    batch.add(1'714'564'800'000, message);
    batch.set_destination("g", "s");
  }

  // Completions until `n` arrived, waiting on the pool's Wake.
  std::vector<Completion> await_completions(SenderPool& pool, std::size_t n) {
    std::vector<Completion> out;
    while (out.size() < n) {
      pollfd fd{completed_.fd(), POLLIN, 0};
      if (::poll(&fd, 1, 20'000) <= 0) break;
      completed_.drain();
      for (const Completion& c : pool.take_completions()) out.push_back(c);
    }
    return out;
  }

  DeliveryOptions options_;
  ThrottleGovernor governor_{4};
  NoPause pause_;
  Counters counters_;
  Logger log_{LogLevel::kError};
  DeadLetter dead_letter_{"", log_, counters_};
  TroubleLog trouble_{log_, counters_};
  Wake completed_;
  std::vector<ScriptedLogsApi*> apis_;  // owned by the pool
};

TEST_F(SenderPoolTest, WhileEverySenderIsBusyTheReaderWaitsForABatch) {
  auto pool = make_pool(1);
  ASSERT_EQ(apis_.size(), 1u);
  apis_[0]->hold();
  // Released before the pool joins its sender, even when an assertion fails.
  struct Release {
    ScriptedLogsApi* api;
    ~Release() { api->release(); }
  } release{apis_[0]};
  const std::atomic<bool> running{false};
  Batch* first = pool->acquire(running);
  ASSERT_NE(first, nullptr);
  fill(*first, "one");
  pool->submit(first, 1);
  ASSERT_TRUE(apis_[0]->await_calls(1));  // in flight
  Batch* second = pool->acquire(running);  // the one being filled
  ASSERT_NE(second, nullptr);
  fill(*second, "two");
  pool->submit(second, 2);
  EXPECT_EQ(pool->in_flight(), 2u);

  const std::atomic<bool> stop{true};
  EXPECT_EQ(pool->acquire(stop), nullptr);  // none free: only a stop ends the wait
  apis_[0]->release();
  const auto done = await_completions(*pool, 2);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].sequence, 1u);
  EXPECT_EQ(done[1].sequence, 2u);
  EXPECT_TRUE(done[0].delivered && done[1].delivered);
  EXPECT_EQ(pool->in_flight(), 0u);
  EXPECT_NE(pool->acquire(running), nullptr);
}

TEST_F(SenderPoolTest, EveryBatchSubmittedIsCompletedOnceAcrossSenders) {
  auto pool = make_pool(3);
  const std::atomic<bool> running{false};
  constexpr std::uint64_t kBatches = 40;
  for (std::uint64_t i = 1; i <= kBatches; ++i) {
    Batch* batch = pool->acquire(running);
    ASSERT_NE(batch, nullptr);
    fill(*batch, "line " + std::to_string(i));
    pool->submit(batch, i);
  }
  const auto done = await_completions(*pool, kBatches);
  std::set<std::uint64_t> sequences;
  for (const Completion& c : done) {
    EXPECT_TRUE(c.delivered);
    sequences.insert(c.sequence);
  }
  EXPECT_EQ(done.size(), kBatches);
  EXPECT_EQ(sequences.size(), kBatches);
  EXPECT_EQ(counters_.events_accepted.load(), kBatches);
}

TEST_F(SenderPoolTest, AFatalErrorInASenderReachesTheReader) {
  auto pool = make_pool(1, [](std::string_view, const std::string&) {
    return refused(400, "AccessDeniedException", "not authorized");
  });
  const std::atomic<bool> running{false};
  Batch* batch = pool->acquire(running);
  ASSERT_NE(batch, nullptr);
  fill(*batch, "one");
  pool->submit(batch, 1);
  const auto done = await_completions(*pool, 1);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].delivered);
  EXPECT_THROW(pool->check_fatal(), FatalDeliveryError);
  EXPECT_EQ(pool->acquire(running), nullptr);
}

}  // namespace
}  // namespace cw::cloudwatch
