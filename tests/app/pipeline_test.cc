// The pipeline against a scripted service (no network): while every batch is
// in flight the reader reads no further; while checkpoints cannot be written
// it reads no further than CHECKPOINT_UNSAVED_MAX_MB past the last write; and
// once the service answers and the state folder is back, every line is
// delivered once and the checkpoint reaches the end of the file.

#include "app/pipeline.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <stdlib.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "cloudwatch/scripted_logs_api.h"
#include "common/message_limit.h"

namespace cw::app {
namespace {

using cloudwatch::testing::ScriptedLogsApi;

// Every file to the group "g", stream "s" ({prefix}), sent as it is.
SourceConfig make_test_source(std::string group = "g", std::string stream = "{prefix}") {
  SourceConfig source;
  source.include = {"*.log"};
  source.log_group = std::move(group);
  source.stream_template = std::move(stream);
  source.timestamp_field = "@timestamp";
  source.exclude_fields = {"@timestamp"};
  source.max_message_bytes = kMaxMessageBytes;
  source.window_policy = transform::WindowPolicy::kSend;
  return source;
}

cloudwatch::StartValues test_start_values() {
  cloudwatch::StartValues values;
  values.prefix = "s";
  values.hostname = "host";
  return values;
}

std::string line(int n, std::size_t pad) {
  return R"({"n":)" + std::to_string(n) + R"(,"pad":")" + std::string(pad, 'x') + "\"}\n";
}

// Waits for `done` (true) or 20 s (false), looking every millisecond.
template <typename Done>
bool await(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    char dir[] = "/tmp/cw-pipeline-test-XXXXXX";
    root_ = ::mkdtemp(dir);
    std::filesystem::create_directories(root_ + "/logs");
  }
  ~PipelineTest() override { std::filesystem::remove_all(root_); }

  std::uint64_t write_lines(int count, std::size_t pad) {
    std::ofstream out(log_path());
    for (int n = 0; n < count; ++n) out << line(n, pad);
    out.close();
    return std::filesystem::file_size(log_path());
  }
  std::string log_path() const { return root_ + "/logs/app.log"; }
  std::string state_dir() const { return root_ + "/state"; }

  // The parts of a pipeline with one sender (two batches: the one in flight
  // and the one being filled) against a held scripted service.
  struct Rig {
    Rig(const std::string& logs, const std::string& state, Counters& counters, const Logger& log,
        const std::vector<SourceConfig>& source_configs)
        : sources(source_configs, test_start_values(), counters),
          watcher(source::WatchMode::kPoll, log),
          checkpoints(state),
          files({logs, globs_of(source_configs)}, checkpoints, watcher, counters, log),
          dead_letter("", log, counters),
          trouble(log, counters),
          senders(
              1, cloudwatch::Limits{},
              [this] {
                auto made = std::make_unique<ScriptedLogsApi>();
                api = made.get();
                api->hold();
                return made;
              },
              cloudwatch::DeliveryContext{delivery_options, governor, shutdown.sender_pause(), counters, dead_letter,
                                          trouble, log},
              completed) {}
    ~Rig() { api->release(); }  // before the pool joins its sender, even when an assertion fails

    static std::vector<source::GlobSet> globs_of(const std::vector<SourceConfig>& configs) {
      std::vector<source::GlobSet> globs;
      for (const auto& config : configs) globs.emplace_back(config.include, config.exclude);
      return globs;
    }
    Sources sources;
    source::FileWatcher watcher;
    source::CheckpointStore checkpoints;
    source::FileSet files;
    cloudwatch::DeadLetter dead_letter;
    cloudwatch::TroubleLog trouble;
    cloudwatch::ThrottleGovernor governor{1};
    const cloudwatch::DeliveryOptions delivery_options{std::chrono::milliseconds(1), std::chrono::milliseconds(1)};
    Shutdown shutdown;
    Wake completed;
    ScriptedLogsApi* api = nullptr;
    cloudwatch::SenderPool senders;
  };

  std::unique_ptr<Rig> make_rig(std::vector<SourceConfig> sources = {make_test_source()}) {
    return std::make_unique<Rig>(root_ + "/logs", state_dir(), counters_, log_, sources);
  }

  // The reading thread; joined when it goes out of scope (before the rig),
  // after the service is released, even when an assertion failed.
  struct Reader {
    Reader(std::thread thread, ScriptedLogsApi* api) : thread_(std::move(thread)), api_(api) {}
    ~Reader() { join(); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    void join() {
      api_->release();
      if (thread_.joinable()) thread_.join();
    }
    std::thread thread_;
    ScriptedLogsApi* api_;
  };

  // --once, unless `follow`: then until a SIGTERM (which Shutdown takes).
  Reader run(Rig& rig, std::uint64_t max_unsaved_bytes = 16 << 20, bool follow = false,
             std::size_t batch_budget_bytes = 4 << 20) {
    PipelineOptions options;
    options.batch_budget_bytes = batch_budget_bytes;
    options.once = !follow;
    options.log_path = root_ + "/logs";
    options.max_unsaved_bytes = max_unsaved_bytes;
    pipeline_ = std::make_unique<Pipeline>(
        options, PipelineParts{rig.files, rig.watcher, rig.checkpoints, rig.sources, rig.senders, rig.completed,
                               rig.dead_letter, rig.shutdown, counters_, log_});
    return Reader(std::thread([this] { pipeline_->run(); }), rig.api);
  }

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

  // Per stream, the numbers of the events sent to it, in order; and the
  // largest payload of one request.
  struct ByStream {
    std::map<std::string, std::vector<int>> numbers;
    std::size_t largest_request = 0;
  };
  static ByStream by_stream(const ScriptedLogsApi& api) {
    ByStream out;
    simdjson::dom::parser parser;
    simdjson::dom::parser inner;
    for (const auto& call : api.calls()) {
      if (call.operation != "PutLogEvents") continue;
      const simdjson::dom::element body = parser.parse(call.body);
      std::vector<int>& numbers = out.numbers[std::string(body["logStreamName"].get_string().value())];
      std::size_t payload = 0;
      for (simdjson::dom::element event : body["logEvents"].get_array()) {
        const std::string_view message = event["message"].get_string();
        payload += message.size() + 26;
        numbers.push_back(static_cast<int>(inner.parse(message)["n"].get_int64().value()));
      }
      out.largest_request = std::max(out.largest_request, payload);
    }
    return out;
  }

  // Every event's group and message, in the order sent.
  static std::vector<std::pair<std::string, std::string>> messages_sent(const ScriptedLogsApi& api) {
    std::vector<std::pair<std::string, std::string>> out;
    simdjson::dom::parser parser;
    for (const auto& call : api.calls()) {
      if (call.operation != "PutLogEvents") continue;
      const simdjson::dom::element body = parser.parse(call.body);
      const std::string group(body["logGroupName"].get_string().value());
      for (simdjson::dom::element event : body["logEvents"].get_array()) {
        out.emplace_back(group, std::string(event["message"].get_string().value()));
      }
    }
    return out;
  }

  static void expect_each_once_in_order(const ScriptedLogsApi& api, int count) {
    const std::vector<int> sent = numbers_sent(api);
    ASSERT_EQ(sent.size(), static_cast<std::size_t>(count));
    for (int n = 0; n < count; ++n) ASSERT_EQ(sent[n], n);
  }

  std::string root_;
  Counters counters_;
  Logger log_{LogLevel::kError};
  std::unique_ptr<Pipeline> pipeline_;
};

TEST_F(PipelineTest, WhileEveryBatchIsInFlightTheReaderReadsNoFurther) {
  constexpr int kLines = 25'000;  // two and a half batches of 10,000 events
  const std::uint64_t size = write_lines(kLines, 0);
  auto rig = make_rig();
  Reader reader = run(*rig);

  // The first batch is held by the service, the second is full and queued:
  // the reader waits for a free batch with the 20,001st line in its hands.
  ASSERT_TRUE(rig->api->await_calls(1));
  ASSERT_TRUE(await([&] { return rig->senders.in_flight() == 2; }));
  std::uint64_t two_batches = 0;
  for (int n = 0; n < 20'000; ++n) two_batches += line(n, 0).size();
  EXPECT_EQ(counters_.bytes_read.load(), two_batches);
  EXPECT_EQ(rig->api->calls().size(), 1u);

  reader.join();
  expect_each_once_in_order(*rig->api, kLines);
  EXPECT_EQ(rig->api->operations(), (std::vector<std::string>{"PutLogEvents", "PutLogEvents", "PutLogEvents"}));
  const auto saved = rig->checkpoints.all();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].offset, size);
}

TEST_F(PipelineTest, WhileCheckpointsCannotBeWrittenReadingStopsPastTheBoundThenGoesOn) {
  // 8 MiB of 1 KiB lines: two turns of the reader (4 MiB each), eight batches.
  constexpr int kLines = 8'000;
  const std::uint64_t size = write_lines(kLines, 1'024);
  auto rig = make_rig();
  std::filesystem::remove_all(state_dir());
  std::ofstream(state_dir()) << "a file where the folder was";
  Reader reader = run(*rig, 1, /*follow=*/true);

  // Held: the reader stops in its first turn. Released: the first
  // acknowledgement cannot be written, and reading stops there.
  ASSERT_TRUE(rig->api->await_calls(1));
  ASSERT_TRUE(await([&] { return rig->senders.in_flight() == 2; }));
  rig->api->release();
  ASSERT_TRUE(await([&] { return counters_.checkpoint_failing_since_ms.load() > 0; }));
  EXPECT_EQ(counters_.checkpoint_error.load(), ENOTDIR);
  const std::uint64_t read_when_failing = counters_.bytes_read.load();
  EXPECT_LT(read_when_failing, size - (1 << 20));
  ASSERT_TRUE(await([&] { return rig->senders.in_flight() == 0 && counters_.checkpoint_unsaved_bytes.load() > 0; }));
  EXPECT_EQ(counters_.bytes_read.load(), read_when_failing);  // paused: nothing read since

  std::filesystem::remove(state_dir());  // the retry makes the folder again
  ASSERT_TRUE(await([&] {
    return counters_.events_accepted.load() == kLines && counters_.checkpoint_failing_since_ms.load() == 0 &&
           counters_.checkpoint_unsaved_bytes.load() == 0;
  }));
  ::kill(::getpid(), SIGTERM);
  reader.join();
  expect_each_once_in_order(*rig->api, kLines);
  const source::CheckpointStore reloaded(state_dir());
  ASSERT_EQ(reloaded.all().size(), 1u);
  EXPECT_EQ(reloaded.all()[0].offset, size);
}

TEST_F(PipelineTest, LinesGoToTheStreamTheirFieldNamesEachInOrderAndTheCheckpointReachesTheEnd) {
  // Interleaved over three services, and lines without one.
  std::ofstream out(log_path());
  std::map<std::string, std::vector<int>> expected;
  for (int n = 0; n < 3'000; ++n) {
    const std::string service = n % 7 == 0 ? "" : "svc" + std::to_string(n % 3);
    out << R"({"n":)" << n << (service.empty() ? "" : R"(,"service":")" + service + "\"") << "}\n";
    expected[service.empty() ? "none" : service].push_back(n);
  }
  out.close();
  auto rig = make_rig({make_test_source("g", "{field:service:-none}")});
  Reader reader = run(*rig);
  reader.join();
  EXPECT_EQ(by_stream(*rig->api).numbers, expected);
  const auto saved = rig->checkpoints.all();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].offset, std::filesystem::file_size(log_path()));
}

TEST_F(PipelineTest, AtTheBudgetTheFullestBatchIsSentBeforeAnyIsFull) {
  // Four streams of 1.2 MB each, interleaved; a budget of 1 MiB for all.
  std::ofstream out(log_path());
  for (int n = 0; n < 4'800; ++n) {
    out << R"({"n":)" << n << R"(,"service":"s)" << n % 4 << R"(","pad":")" << std::string(1'000, 'x') << "\"}\n";
  }
  out.close();
  auto rig = make_rig({make_test_source("g", "{field:service}")});
  Reader reader = run(*rig, 16 << 20, false, 1 << 20);
  reader.join();
  const ByStream sent = by_stream(*rig->api);
  ASSERT_EQ(sent.numbers.size(), 4u);
  std::size_t events = 0;
  for (const auto& [stream, numbers] : sent.numbers) {
    events += numbers.size();
    EXPECT_TRUE(std::is_sorted(numbers.begin(), numbers.end())) << stream;
  }
  EXPECT_EQ(events, 4'800u);
  // Alone, a stream would fill 1 MiB requests. Sharing the budget, the
  // fullest of four is sent when they hold 1 MiB together: once their fills
  // are staggered, about half of it.
  EXPECT_LT(sent.largest_request, 700u << 10);
  EXPECT_GT(sent.largest_request, 200u << 10);
}

TEST_F(PipelineTest, EachSourceHasItsGroupAndFiltersAndFilteredLinesMoveTheCheckpoint) {
  {
    std::ofstream app(root_ + "/logs/app.log");
    for (int n = 0; n < 300; ++n) app << R"({"n":)" << n << R"(,"level":")" << (n % 3 == 0 ? "DEBUG" : "INFO") << "\"}\n";
    std::ofstream audit(root_ + "/logs/audit.log");
    audit << R"({"n":0,"who":{"mail":"ann@example.com"}})" << "\n";
  }
  SourceConfig app = make_test_source("ga");
  app.name = "app";
  app.include = {"app.log"};
  transform::FilterRule drop;
  drop.kind = transform::FilterRule::Kind::kDrop;
  drop.field = "level";
  drop.values = {"DEBUG"};
  app.filters = {drop};
  SourceConfig audit = make_test_source("gb");
  audit.name = "audit";
  audit.include = {"*.log"};  // app.log matches both: the first source wins
  transform::FilterRule redact;
  redact.kind = transform::FilterRule::Kind::kRedact;
  redact.builtin = {"email"};
  audit.filters = {redact};
  auto rig = make_rig({app, audit});
  Reader reader = run(*rig);
  reader.join();
  std::size_t to_a = 0;
  for (const auto& [group, message] : messages_sent(*rig->api)) {
    if (group == "ga") {
      ++to_a;
      EXPECT_EQ(message.find("DEBUG"), std::string::npos);
    } else {
      EXPECT_EQ(group, "gb");
      EXPECT_EQ(message, R"({"n":0,"who":{"mail":"[REDACTED]"}})");
    }
  }
  EXPECT_EQ(to_a, 200u);
  ASSERT_EQ(counters_.sources.size(), 2u);
  EXPECT_EQ(counters_.sources[0].dropped.load(), 100u);
  EXPECT_EQ(counters_.sources[1].redacted.load(), 1u);
  EXPECT_EQ(counters_.lines_filtered.load(), 100u);
  EXPECT_EQ(counters_.lines_read.load(), counters_.events_accepted.load() + counters_.lines_filtered.load());
  for (const auto& saved : rig->checkpoints.all()) {
    EXPECT_EQ(saved.offset, std::filesystem::file_size(saved.path)) << saved.path;
  }
  EXPECT_EQ(rig->checkpoints.all().size(), 2u);
}

TEST_F(PipelineTest, MultilineJoinsTextLinesAndTheCheckpointMovesPastWholeEvents) {
  {
    std::ofstream out(log_path());
    out << "Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: x\n"
        << R"({"n":1})" << "\n"
        << "  orphan continuation\n"
        << "second event\n  more\n";
  }
  SourceConfig source = make_test_source();
  source.multiline_start = "^(Traceback|second)";
  auto rig = make_rig({source});
  Reader reader = run(*rig);
  reader.join();
  std::vector<std::string> messages;
  for (const auto& [group, message] : messages_sent(*rig->api)) messages.push_back(message);
  EXPECT_EQ(messages, (std::vector<std::string>{"Traceback (most recent call last):\n  File \"a.py\", line 1\nValueError: x",
                                                R"({"n":1})", "  orphan continuation",
                                                "second event\n  more"}));
  const auto saved = rig->checkpoints.all();
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].offset, std::filesystem::file_size(log_path()));
}

}  // namespace
}  // namespace cw::app
