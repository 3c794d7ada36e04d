#include "scripted_logs_api.h"

#include <chrono>

#include "http/client.h"

namespace cw::cloudwatch::testing {

CallResult accepted(std::string body) { return CallResult{true, std::move(body), {}}; }

CallResult refused(long http_status, std::string_view type, std::string_view message) {
  http::Response response;
  response.status = http_status;
  response.body = R"({"__type":")" + std::string(type) + R"(","message":")" + std::string(message) + R"("})";
  return CallResult{false, {}, classify_error(response)};
}

CallResult connection_failed() {
  http::Response response;
  response.transport_error = "Couldn't connect to server";
  return CallResult{false, {}, classify_error(response)};
}

CallResult ScriptedLogsApi::call(std::string_view operation, std::span<const std::string_view> body_parts) {
  RecordedCall call{std::string(operation), {}};
  for (std::string_view part : body_parts) call.body.append(part);
  {
    std::unique_lock lock(mutex_);
    calls_.push_back(call);
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_ || operation != "PutLogEvents"; });
  }
  return responder_ ? responder_(call.operation, call.body) : accepted();
}

void ScriptedLogsApi::invalidate_credentials() {
  std::lock_guard lock(mutex_);
  ++invalidations_;
}

void ScriptedLogsApi::hold() {
  std::lock_guard lock(mutex_);
  held_ = true;
}

void ScriptedLogsApi::release() {
  std::lock_guard lock(mutex_);
  held_ = false;
  changed_.notify_all();
}

bool ScriptedLogsApi::await_calls(std::size_t n) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return calls_.size() >= n; });
}

std::vector<RecordedCall> ScriptedLogsApi::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<std::string> ScriptedLogsApi::operations() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : calls_) out.push_back(c.operation);
  return out;
}

int ScriptedLogsApi::invalidations() const {
  std::lock_guard lock(mutex_);
  return invalidations_;
}

}  // namespace cw::cloudwatch::testing
