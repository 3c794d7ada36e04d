#include "strict_put_checker.h"

#include <simdjson.h>

#include <algorithm>

namespace cw::testing {
namespace {

std::string at(std::size_t index) { return "event " + std::to_string(index) + ": "; }

}  // namespace

std::string PutCheck::summary() const {
  std::string out;
  for (const auto& v : violations) out += v + "\n";
  return out;
}

PutCheck check_put_log_events(std::string_view body, const PutLimits& limits) {
  PutCheck check;
  auto& violations = check.violations;

  simdjson::dom::parser parser;
  simdjson::dom::object root;
  // parse() validates the UTF-8 of the whole document.
  if (const auto error = parser.parse(body.data(), body.size()).get_object().get(root); error) {
    violations.push_back(std::string("body is not a JSON object: ") + simdjson::error_message(error));
    return check;
  }

  std::string_view text;
  if (root["logGroupName"].get_string().get(text) || text.empty()) {
    violations.push_back("logGroupName missing or empty");
  } else {
    check.log_group = std::string(text);
  }
  if (root["logStreamName"].get_string().get(text) || text.empty()) {
    violations.push_back("logStreamName missing or empty");
  } else {
    check.log_stream = std::string(text);
  }
  if (root["sequenceToken"].error() != simdjson::NO_SUCH_FIELD) {
    violations.push_back("sequenceToken sent (ignored by the service since 2023)");
  }

  simdjson::dom::array events;
  if (root["logEvents"].get_array().get(events)) {
    violations.push_back("logEvents missing or not an array");
    return check;
  }

  std::size_t index = 0;
  for (simdjson::dom::element element : events) {
    simdjson::dom::object event;
    if (element.get_object().get(event)) {
      violations.push_back(at(index) + "not an object");
      ++index;
      continue;
    }
    PutEvent parsed;
    if (event["timestamp"].get_int64().get(parsed.timestamp_ms)) {
      violations.push_back(at(index) + "timestamp missing or not an integer");
    }
    std::string_view message;
    if (event["message"].get_string().get(message)) {
      violations.push_back(at(index) + "message missing or not a string");
    } else {
      parsed.message = std::string(message);
    }
    if (parsed.message.empty()) violations.push_back(at(index) + "empty message (fails the whole batch)");
    if (parsed.message.size() > limits.max_message_bytes) {
      violations.push_back(at(index) + "message of " + std::to_string(parsed.message.size()) + " bytes exceeds " +
                           std::to_string(limits.max_message_bytes));
    }
    if (!simdjson::validate_utf8(parsed.message.data(), parsed.message.size())) {
      violations.push_back(at(index) + "message is not valid UTF-8");
    }
    if (!check.events.empty() && parsed.timestamp_ms < check.events.back().timestamp_ms) {
      violations.push_back(at(index) + "timestamp " + std::to_string(parsed.timestamp_ms) + " before the previous " +
                           std::to_string(check.events.back().timestamp_ms) + " (not chronological)");
    }
    check.payload_bytes += parsed.message.size() + limits.per_event_overhead;
    check.events.push_back(std::move(parsed));
    ++index;
  }

  const std::size_t count = check.events.size();
  if (count == 0) violations.push_back("no events (an empty logEvents fails the call)");
  if (count > limits.max_batch_events) {
    violations.push_back(std::to_string(count) + " events exceed " + std::to_string(limits.max_batch_events));
  }
  if (check.payload_bytes > limits.max_batch_bytes) {
    violations.push_back(std::to_string(check.payload_bytes) + " payload bytes exceed " +
                         std::to_string(limits.max_batch_bytes));
  }
  if (count > 1) {
    // Measured over the whole set, so it holds even when the order is wrong.
    std::int64_t lo = check.events.front().timestamp_ms;
    std::int64_t hi = lo;
    for (const auto& e : check.events) {
      lo = std::min(lo, e.timestamp_ms);
      hi = std::max(hi, e.timestamp_ms);
    }
    if (hi - lo > limits.max_span_ms) {
      violations.push_back("span of " + std::to_string(hi - lo) + " ms exceeds " + std::to_string(limits.max_span_ms));
    }
  }
  return check;
}

}  // namespace cw::testing
