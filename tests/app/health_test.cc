// The stuck rule behind /healthz, and the METRICS_ADDRESS syntax.

#include "app/health.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "app/listen_address.h"

namespace cw::app {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::chrono::seconds kLimit{300};

TEST(Health, QuietIsHealthy) {
  const HealthVerdict v = judge_health(0, 0, kNow, kLimit);
  EXPECT_TRUE(v.healthy);
  EXPECT_TRUE(v.reason.empty());
}

TEST(Health, FailingShorterThanTheLimitIsHealthy) {
  EXPECT_TRUE(judge_health(kNow - 299'999, 0, kNow, kLimit).healthy);
  EXPECT_TRUE(judge_health(0, kNow - 299'999, kNow, kLimit).healthy);
}

TEST(Health, FailingForTheLimitIsUnhealthy) {
  const HealthVerdict v = judge_health(kNow - 300'000, 0, kNow, kLimit);
  EXPECT_FALSE(v.healthy);
  EXPECT_NE(v.reason.find("delivery failing for 300 s"), std::string::npos) << v.reason;
  EXPECT_NE(v.reason.find("HEALTH_STUCK_AFTER_S=300"), std::string::npos) << v.reason;
}

TEST(Health, OldUnacknowledgedBatchIsUnhealthyEvenWithoutFailures) {
  // E.g. requests that hang until their timeout again and again.
  const HealthVerdict v = judge_health(0, kNow - 400'000, kNow, kLimit);
  EXPECT_FALSE(v.healthy);
  EXPECT_NE(v.reason.find("oldest unacknowledged batch was read 400 s ago"), std::string::npos) << v.reason;
}

TEST(Health, OldBatchWhileFailingNamesTheFailureFirst) {
  // The batch is read before its first request fails: this rule trips first.
  const HealthVerdict v = judge_health(kNow - 299'800, kNow - 300'000, kNow, kLimit);
  EXPECT_FALSE(v.healthy);
  EXPECT_EQ(v.reason.find("delivery failing for 299 s, oldest unacknowledged batch was read 300 s ago"), 0U)
      << v.reason;
}

TEST(Health, ReadsTheCounters) {
  Counters c;
  EXPECT_TRUE(judge_health(c, kNow, kLimit).healthy);
  c.failing_since_ms = kNow - 301'000;
  EXPECT_FALSE(judge_health(c, kNow, kLimit).healthy);
  c.failing_since_ms = 0;  // a success resets it
  EXPECT_TRUE(judge_health(c, kNow, kLimit).healthy);
}

TEST(ListenAddress, ParsesHostAndPort) {
  auto a = parse_listen_address("127.0.0.1:9880");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9880);
  EXPECT_EQ(a->connect_url(), "http://127.0.0.1:9880");

  a = parse_listen_address("0.0.0.0:80");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->connect_url(), "http://127.0.0.1:80");  // the health check goes over loopback

  a = parse_listen_address("[::]:9880");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "::");
  EXPECT_EQ(a->connect_url(), "http://[::1]:9880");

  a = parse_listen_address("localhost:0");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->port, 0);
}

TEST(ListenAddress, RejectsWhatIsNotHostColonPort) {
  for (const char* bad : {"", "9880", ":9880", "host:", "host:99999", "host:-1", "host:12a", "::1:9880", "[::1:9880",
                          "a b:1", "http://127.0.0.1:9880"}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
}

}  // namespace
}  // namespace cw::app

namespace cw::app {
namespace {

TEST(Health, WaitingForTheStateLockIsHealthyAndSaysSo) {
  Counters counters;
  counters.failing_since_ms = 1;  // would be stuck by the other rules
  counters.waiting_for_state_lock = true;
  const HealthVerdict v = judge_health(counters, 10'000'000, std::chrono::seconds(300));
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.reason, "waiting for the state lock");
  counters.waiting_for_state_lock = false;
  EXPECT_FALSE(judge_health(counters, 10'000'000, std::chrono::seconds(300)).healthy);
}

TEST(Health, CheckpointsThatCannotBeWrittenSayWhyAndAreUnhealthyAfterTheLimit) {
  Counters counters;
  counters.checkpoint_failing_since_ms = 9'998'000;
  counters.checkpoint_error = ENOSPC;
  HealthVerdict v = judge_health(counters, 10'000'000, std::chrono::seconds(300));
  EXPECT_TRUE(v.healthy);
  EXPECT_EQ(v.reason, "cannot write checkpoints to STATE_DIR: No space left on device (for 2 s)");
  v = judge_health(counters, 10'298'000, std::chrono::seconds(300));
  EXPECT_FALSE(v.healthy);
  EXPECT_EQ(v.reason,
            "cannot write checkpoints to STATE_DIR: No space left on device (for 300 s) (HEALTH_STUCK_AFTER_S=300)");
  counters.failing_since_ms = 9'000'000;  // delivery stuck too: that is the news
  EXPECT_NE(judge_health(counters, 10'298'000, std::chrono::seconds(300)).reason.find("delivery failing"),
            std::string::npos);
  counters.checkpoint_failing_since_ms = 0;
  counters.failing_since_ms = 0;
  EXPECT_TRUE(judge_health(counters, 10'000'000, std::chrono::seconds(300)).reason.empty());
}

}  // namespace
}  // namespace cw::app
