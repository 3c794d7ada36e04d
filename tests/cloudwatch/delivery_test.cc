// Delivery against a scripted service: what it sends, in what order, and what
// it makes of each answer. No network; retries do not sleep (RecordingPause).

#include "cloudwatch/delivery.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cloudwatch/request_body.h"
#include "scripted_logs_api.h"

namespace cw::cloudwatch {
namespace {

using testing::accepted;
using testing::connection_failed;
using testing::refused;
using testing::ScriptedLogsApi;

// Records each wait instead of sleeping; `interrupt_after` waits, it reports a
// hard stop.
class RecordingPause final : public Pause {
 public:
  bool wait_for(std::chrono::milliseconds duration) override {
    waits.push_back(duration);
    return interrupt_after >= 0 && static_cast<int>(waits.size()) > interrupt_after;
  }
  std::vector<std::chrono::milliseconds> waits;
  int interrupt_after = -1;
};

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest()
      : dead_letter_path_(std::filesystem::temp_directory_path() /
                          ("cw-delivery-test-" + std::to_string(::getpid()) + ".jsonl")),
        dead_letter_(dead_letter_path_.string(), log_, counters_) {
    options_.backoff_base = std::chrono::milliseconds(100);
    options_.backoff_cap = std::chrono::milliseconds(1000);
  }
  ~DeliveryTest() override { std::filesystem::remove(dead_letter_path_); }

  DeliveryContext context() { return DeliveryContext{options_, governor_, pause_, counters_, dead_letter_, trouble_, log_}; }

  Batch batch_of(const std::vector<std::string>& messages) {
    Batch batch(limits_);
    std::int64_t t = 1'714'564'800'000;
    for (const auto& m : messages) batch.add(t++, m);
    batch.set_destination("g", "s", &group_options_);
    return batch;
  }

  std::vector<std::string> dead_letters() const {
    std::vector<std::string> lines;
    std::ifstream in(dead_letter_path_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  Limits limits_;
  DeliveryOptions options_;
  GroupOptions group_options_;
  ThrottleGovernor governor_{4};
  RecordingPause pause_;
  Counters counters_;
  Logger log_{LogLevel::kError};
  std::filesystem::path dead_letter_path_;
  DeadLetter dead_letter_;
  TroubleLog trouble_{log_, counters_};
};

TEST_F(DeliveryTest, AnAcceptedBatchIsOneRequestWithTheBatchAsItsBody) {
  ScriptedLogsApi api;
  Batch batch = batch_of({"a", "b"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  ASSERT_EQ(api.operations(), std::vector<std::string>{"PutLogEvents"});
  EXPECT_EQ(api.calls()[0].body, put_events_head("g", "s") + event_json(1'714'564'800'000, "a") + "," +
                                     event_json(1'714'564'800'001, "b") + std::string(kPutEventsTail));
  EXPECT_EQ(counters_.requests_ok.load(), 1u);
  EXPECT_EQ(counters_.events_accepted.load(), 2u);
  EXPECT_TRUE(pause_.waits.empty());
}

TEST_F(DeliveryTest, ThrottlingAndNetworkErrorsAreRetriedWithCappedBackoffAndNoGivingUp) {
  int puts = 0;
  ScriptedLogsApi api([&](std::string_view, const std::string&) {
    ++puts;
    if (puts <= 6) return refused(400, "ThrottlingException", "Rate exceeded");
    if (puts <= 9) return connection_failed();
    return accepted();
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(puts, 10);
  EXPECT_EQ(counters_.retries.load(), 9u);
  EXPECT_EQ(counters_.requests_throttled.load(), 6u);
  EXPECT_EQ(counters_.requests_network_error.load(), 3u);
  ASSERT_EQ(pause_.waits.size(), 9u);
  for (auto wait : pause_.waits) EXPECT_LE(wait, std::chrono::milliseconds(1000));
}

TEST_F(DeliveryTest, ThrottlingHalvesTheRequestsInFlightAndSuccessesBringThemBack) {
  int puts = 0;
  ScriptedLogsApi api([&](std::string_view, const std::string&) {
    return ++puts <= 2 ? refused(400, "ThrottlingException") : accepted();
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(governor_.limit(), 2.0);  // 4 halved twice to 1, and one success adds 1/limit
  for (int i = 0; i < 5; ++i) {
    Batch more = batch_of({"b"});
    EXPECT_TRUE(delivery.deliver(more));
  }
  EXPECT_GT(governor_.limit(), 3.5);
  EXPECT_LT(governor_.limit(), 4.0);  // a limit's worth of successes per step up
  for (int i = 0; i < 5; ++i) {
    Batch more = batch_of({"b"});
    EXPECT_TRUE(delivery.deliver(more));
  }
  EXPECT_EQ(governor_.limit(), 4.0);  // and never above MAX_IN_FLIGHT
}

TEST_F(DeliveryTest, AMissingGroupAndStreamAreCreatedAndTheSameBatchSentAgain) {
  group_options_.retention_days = 7;
  int puts = 0;
  ScriptedLogsApi api([&](std::string_view operation, const std::string&) {
    if (operation == "PutLogEvents" && ++puts == 1) {
      return refused(400, "ResourceNotFoundException", "The specified log group does not exist.");
    }
    return accepted();
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(api.operations(), (std::vector<std::string>{"PutLogEvents", "CreateLogGroup", "PutRetentionPolicy",
                                                        "CreateLogStream", "PutLogEvents"}));
  const auto calls = api.calls();
  EXPECT_EQ(calls[2].body, retention_body("g", 7));
  EXPECT_EQ(calls[3].body, names_body("g", "s"));
  EXPECT_EQ(calls[4].body, calls[0].body);
}

TEST_F(DeliveryTest, AGroupThatExistsAlreadyIsFine) {
  int puts = 0;
  ScriptedLogsApi api([&](std::string_view operation, const std::string&) {
    if (operation == "PutLogEvents" && ++puts == 1) return refused(400, "ResourceNotFoundException");
    if (operation == "CreateLogGroup") return refused(400, "ResourceAlreadyExistsException");
    return accepted();
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(api.operations(),
            (std::vector<std::string>{"PutLogEvents", "CreateLogGroup", "CreateLogStream", "PutLogEvents"}));
}

TEST_F(DeliveryTest, ARefusedBatchIsHalvedUntilTheBadEventIsAloneAndSetAside) {
  ScriptedLogsApi api([&](std::string_view, const std::string& body) {
    return body.find("bad") != std::string::npos ? refused(400, "InvalidParameterException", "bad event")
                                                 : accepted();
  });
  Batch batch = batch_of({"a", "b", "bad", "c", "d"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  // [a b bad c d]: [a b] accepted, [bad c d] refused and halved, [bad] alone set aside, [c d] accepted.
  EXPECT_EQ(api.operations().size(), 5u);
  EXPECT_EQ(counters_.events_accepted.load(), 4u);
  EXPECT_EQ(counters_.batches_split.load(), 2u);
  const auto letters = dead_letters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0], R"({"reason":"invalid","group":"g","stream":"s",)" +
                            event_json(1'714'564'800'002, "bad").substr(1));
}

TEST_F(DeliveryTest, EventsTheServiceRejectsAreSetAsideWithTheirReason) {
  ScriptedLogsApi api([](std::string_view, const std::string&) {
    return accepted(R"({"rejectedLogEventsInfo":{"tooOldLogEventEndIndex":1,"tooNewLogEventStartIndex":3}})");
  });
  Batch batch = batch_of({"old", "ok1", "ok2", "new"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(counters_.events_accepted.load(), 2u);
  EXPECT_EQ(counters_.events_rejected_too_old.load(), 1u);
  EXPECT_EQ(counters_.events_rejected_too_new.load(), 1u);
  const auto letters = dead_letters();
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_NE(letters[0].find(R"("reason":"too_old")"), std::string::npos);
  EXPECT_NE(letters[0].find(R"("message":"old")"), std::string::npos);
  EXPECT_NE(letters[1].find(R"("reason":"too_new")"), std::string::npos);
}

TEST_F(DeliveryTest, AnExpiredTokenFetchesCredentialsAgainAndRetries) {
  int puts = 0;
  ScriptedLogsApi api([&](std::string_view, const std::string&) {
    return ++puts == 1 ? refused(400, "ExpiredTokenException", "The security token included in the request is expired")
                       : accepted();
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_TRUE(delivery.deliver(batch));
  EXPECT_EQ(api.invalidations(), 1);
  EXPECT_EQ(puts, 2);
}

TEST_F(DeliveryTest, ADeniedRequestIsFatal) {
  ScriptedLogsApi api([](std::string_view, const std::string&) {
    return refused(400, "AccessDeniedException", "not authorized to perform: logs:PutLogEvents");
  });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  try {
    delivery.deliver(batch);
    ADD_FAILURE() << "expected a FatalDeliveryError";
  } catch (const FatalDeliveryError& e) {
    EXPECT_NE(std::string(e.what()).find("AccessDeniedException"), std::string::npos) << e.what();
  }
  EXPECT_EQ(api.operations().size(), 1u);  // never retried
}

TEST_F(DeliveryTest, AHardStopDuringBackoffLeavesTheBatchUndelivered) {
  pause_.interrupt_after = 2;
  ScriptedLogsApi api([](std::string_view, const std::string&) { return refused(503, "ServiceUnavailableException"); });
  Batch batch = batch_of({"a"});
  Delivery delivery(api, context());
  EXPECT_FALSE(delivery.deliver(batch));
  EXPECT_EQ(api.operations().size(), 3u);
  EXPECT_EQ(counters_.events_accepted.load(), 0u);
}

}  // namespace
}  // namespace cw::cloudwatch
