// The pipeline against a scripted service (no network): while every batch is
// in flight the reader reads no further, and once the service answers every
// line is delivered once and the checkpoint reaches the end of the file.

#include "app/pipeline.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

#include "cloudwatch/scripted_logs_api.h"

namespace cw::app {
namespace {

using cloudwatch::testing::ScriptedLogsApi;

constexpr int kLines = 25'000;  // two and a half batches of 10,000 events

std::string line(int n) { return R"({"n":)" + std::to_string(n) + "}\n"; }

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    char dir[] = "/tmp/cw-pipeline-test-XXXXXX";
    root_ = ::mkdtemp(dir);
    std::filesystem::create_directories(root_ + "/logs");
    std::ofstream out(root_ + "/logs/app.log");
    for (int n = 0; n < kLines; ++n) out << line(n);
  }
  ~PipelineTest() override { std::filesystem::remove_all(root_); }

  // The numbers of every event the service was sent, in order.
  static std::vector<int> numbers_sent(const ScriptedLogsApi& api) {
    std::vector<int> out;
    simdjson::dom::parser parser;
    simdjson::dom::parser inner;
    for (const auto& call : api.calls()) {
      if (call.operation != "PutLogEvents") continue;
      for (simdjson::dom::element event : parser.parse(call.body)["logEvents"].get_array()) {
        const std::string_view message = event["message"].get_string();
        out.push_back(static_cast<int>(inner.parse(message)["n"].get_int64().value()));
      }
    }
    return out;
  }

  std::string root_;
  Counters counters_;
  Logger log_{LogLevel::kError};
};

TEST_F(PipelineTest, WhileEveryBatchIsInFlightTheReaderReadsNoFurther) {
  source::FileWatcher watcher(source::WatchMode::kPoll, log_);
  source::CheckpointStore checkpoints(root_ + "/state");
  source::FileSet files({root_ + "/logs", {"*.log"}, {}}, checkpoints, watcher, counters_, log_);
  transform::EventMaker events({{}, transform::WindowPolicy::kSend, {}}, counters_);
  const cloudwatch::StreamNamer streams("{prefix}", "s", "host");
  cloudwatch::DeadLetter dead_letter("", log_);
  cloudwatch::TroubleLog trouble(log_, counters_);
  cloudwatch::ThrottleGovernor governor(1);
  const cloudwatch::DeliveryOptions delivery_options{"g", {}, std::chrono::milliseconds(1),
                                                     std::chrono::milliseconds(1)};
  Shutdown shutdown;
  Wake completed;
  ScriptedLogsApi* api = nullptr;
  // One sender: two batches, the one in flight and the one being filled.
  cloudwatch::SenderPool senders(
      1, cloudwatch::Limits{},
      [&] {
        auto made = std::make_unique<ScriptedLogsApi>();
        api = made.get();
        api->hold();
        return made;
      },
      cloudwatch::DeliveryContext{delivery_options, governor, shutdown.sender_pause(), counters_, dead_letter,
                                  trouble, log_},
      completed);
  ASSERT_NE(api, nullptr);
  struct Release {  // before the pool joins its sender, even when an assertion fails
    ScriptedLogsApi* api;
    ~Release() { api->release(); }
  } release{api};

  PipelineOptions options;
  options.once = true;
  options.log_group = "g";
  Pipeline pipeline(options, {files, watcher, checkpoints, events, senders, completed, streams, dead_letter, shutdown,
                              counters_, log_});
  std::thread reader([&] { pipeline.run(); });

  // The first batch is held by the service, the second is full and queued:
  // the reader waits for a free batch with the 20,001st line in its hands.
  ASSERT_TRUE(api->await_calls(1));
  std::uint64_t two_batches = 0;
  for (int n = 0; n < 20'000; ++n) two_batches += line(n).size();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (senders.in_flight() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(senders.in_flight(), 2u);
  EXPECT_EQ(counters_.bytes_read.load(), two_batches);
  EXPECT_EQ(api->calls().size(), 1u);

  api->release();
  reader.join();
  const std::vector<int> sent = numbers_sent(*api);
  ASSERT_EQ(sent.size(), static_cast<std::size_t>(kLines));
  for (int n = 0; n < kLines; ++n) ASSERT_EQ(sent[n], n);
  EXPECT_EQ(api->operations(), (std::vector<std::string>{"PutLogEvents", "PutLogEvents", "PutLogEvents"}));
  const auto saved = checkpoints.all();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].offset, std::filesystem::file_size(root_ + "/logs/app.log"));
}

}  // namespace
}  // namespace cw::app
