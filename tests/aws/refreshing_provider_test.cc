// RefreshingProvider: background refresh ahead of expiry, get() never waiting
// for a slow or failing source while the credentials are valid, invalidate()
// forcing one refetch, many concurrent readers. Credentials live seconds here;
// the tests wait for events (fetches) on a condition variable, never sleep.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "aws/credentials/refreshing_provider.h"

namespace cw::aws {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// A fake source: numbered credentials living `lifetime`; can be made to fail
// or to block until released. Records every fetch for the test to await.
class FakeSource {
 public:
  explicit FakeSource(Clock::duration lifetime) : lifetime_(lifetime) {}

  Credentials fetch() {
    std::unique_lock lock(mutex_);
    ++calls_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !blocked_; });
    if (failing_) throw CredentialsError("fake source is down");
    ++served_;
    changed_.notify_all();
    Credentials c{"ASIAFAKE" + std::to_string(served_), "secret", "token", Clock::now() + lifetime_, "fake"};
    return c;
  }
  CredentialsFetch as_fetch() {
    return [this] { return fetch(); };
  }
  // Waits until at least `n` fetch calls happened (true) or 20 s passed.
  bool await_calls(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return calls_ >= n; });
  }
  bool await_served(int n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 20s, [&] { return served_ >= n; });
  }
  void set_failing(bool failing) {
    std::lock_guard lock(mutex_);
    failing_ = failing;
  }
  void set_blocked(bool blocked) {
    std::lock_guard lock(mutex_);
    blocked_ = blocked;
    changed_.notify_all();
  }
  int calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  const Clock::duration lifetime_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int calls_ = 0;
  int served_ = 0;
  bool failing_ = false;
  bool blocked_ = false;
};

TEST(RefreshingProvider, RefreshesInTheBackgroundBeforeExpiry) {
  FakeSource source(3s);
  RefreshingProvider provider("fake", source.as_fetch(), source.fetch(), 600s, nullptr);
  const auto first_expiry = provider.expiration();
  ASSERT_TRUE(first_expiry);
  // Nobody calls get(): the refresh thread alone must fetch, at half the
  // remaining lifetime (1.5 s) since that is earlier than 10 minutes ahead.
  ASSERT_TRUE(source.await_served(3));
  const Credentials now = provider.get();
  EXPECT_NE(now.access_key_id, "ASIAFAKE1");
  EXPECT_GT(*provider.expiration(), *first_expiry);
  EXPECT_LT(Clock::now(), *provider.expiration());
}

TEST(RefreshingProvider, AnOutageWhileValidCostsNothing) {
  FakeSource source(6s);  // refreshed at 3 s; a failure is retried after 1 s, long before the expiry
  RefreshingProvider provider("fake", source.as_fetch(), source.fetch(), 600s, nullptr);
  source.set_blocked(true);  // the next fetch hangs, as an unreachable endpoint would
  ASSERT_TRUE(source.await_calls(2));  // the background refresh is stuck in it now
  for (int i = 0; i < 100; ++i) {
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(provider.get().access_key_id, "ASIAFAKE1");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms) << "get() waited for the source";
  }
  source.set_failing(true);
  source.set_blocked(false);
  ASSERT_TRUE(source.await_calls(3));  // retried with backoff after the failure
  EXPECT_EQ(provider.get().access_key_id, "ASIAFAKE1");
  source.set_failing(false);
  ASSERT_TRUE(source.await_served(2));
}

TEST(RefreshingProvider, InvalidateRefetchesOnceAtOnce) {
  FakeSource source(1h);
  RefreshingProvider provider("fake", source.as_fetch(), source.fetch(), 600s, nullptr);
  EXPECT_EQ(provider.get().access_key_id, "ASIAFAKE1");
  provider.invalidate();
  EXPECT_EQ(provider.get().access_key_id, "ASIAFAKE2");  // fetched synchronously
  provider.invalidate();  // another sender reporting the same expired token
  EXPECT_EQ(provider.get().access_key_id, "ASIAFAKE2");
  EXPECT_EQ(source.calls(), 2);  // the first fetch and one refetch
}

TEST(RefreshingProvider, ExpiredAndSourceDownIsAClearError) {
  FakeSource source(1h);
  source.set_failing(true);  // before the refresh thread starts: it may fetch at once
  const Credentials expired{"ASIAOLD", "secret", "token", Clock::now() - 1s, "fake"};
  RefreshingProvider provider("fake source", source.as_fetch(), expired, 600s, nullptr);
  try {
    provider.get();
    FAIL() << "expected CredentialsError";
  } catch (const CredentialsError& e) {
    EXPECT_STREQ(e.what(), "fake source: credentials expired and refreshing failed: fake source is down");
  }
}

TEST(RefreshingProvider, ManyConcurrentReadersDuringRefreshes) {
  FakeSource source(1s);
  RefreshingProvider provider("fake", source.as_fetch(), source.fetch(), 600s, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<long> reads{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 6; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        const Credentials c = provider.get();
        EXPECT_FALSE(c.empty());
        EXPECT_LT(Clock::now(), *c.expiration);
        if (reads.fetch_add(1) % 1000 == 0) provider.invalidate();
        (void)provider.expiration();
      }
    });
  }
  ASSERT_TRUE(source.await_served(6));
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
}

TEST(RefreshingProvider, ASourceGivingExpiredCredentialsIsAnError) {
  FakeSource source(-1s);  // hands out credentials that expired a second ago
  const Credentials expired{"ASIAOLD", "secret", "token", Clock::now() - 1s, "fake"};
  RefreshingProvider provider("fake", source.as_fetch(), expired, 600s, nullptr);
  try {
    provider.get();
    FAIL() << "expected CredentialsError";
  } catch (const CredentialsError& e) {
    EXPECT_NE(std::string(e.what()).find("the source gave credentials that expired at"), std::string::npos)
        << e.what();
  }
  EXPECT_LE(source.calls(), 2) << "no fetching in a loop";
}

TEST(RefreshingProvider, LongTermCredentialsStartNoThreadAndNeverExpire) {
  int calls = 0;
  RefreshingProvider provider(
      "static", [&] { ++calls; return Credentials{"AKIA", "s", "", std::nullopt, "static"}; },
      Credentials{"AKIA", "s", "", std::nullopt, "static"}, 600s, nullptr);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(provider.get().access_key_id, "AKIA");
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(provider.expiration());
}

}  // namespace
}  // namespace cw::aws
