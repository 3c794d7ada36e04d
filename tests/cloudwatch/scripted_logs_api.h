#pragma once
// ScriptedLogsApi: CloudWatch Logs in-process for Delivery and SenderPool
// tests. A responder decides each answer from the operation and the body;
// every call is recorded. hold() makes PutLogEvents calls wait until
// release(), so a test can keep requests in flight.

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cloudwatch/logs_api.h"

namespace cw::cloudwatch::testing {

struct RecordedCall {
  std::string operation;
  std::string body;
};

// An answer of the service: success with `body`, or an error as the service
// sends it (HTTP status and error type), classified as LogsClient would.
CallResult accepted(std::string body = "{}");
CallResult refused(long http_status, std::string_view type, std::string_view message = "");
CallResult connection_failed();

class ScriptedLogsApi final : public LogsApi {
 public:
  using Responder = std::function<CallResult(std::string_view operation, const std::string& body)>;
  ScriptedLogsApi() = default;
  explicit ScriptedLogsApi(Responder responder) : responder_(std::move(responder)) {}

  CallResult call(std::string_view operation, std::span<const std::string_view> body_parts) override;
  using LogsApi::call;
  void invalidate_credentials() override;

  void hold();
  void release();
  // Waits until `n` calls were made (true) or 20 s passed.
  bool await_calls(std::size_t n);

  std::vector<RecordedCall> calls() const;
  std::vector<std::string> operations() const;
  int invalidations() const;

 private:
  Responder responder_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RecordedCall> calls_;
  int invalidations_ = 0;
  bool held_ = false;
};

}  // namespace cw::cloudwatch::testing
