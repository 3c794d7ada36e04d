#include "api.h"

#include <simdjson.h>

#include <optional>

#include "common/json_escape.h"

namespace cw::bench::sink {
namespace {

// Create calls are rare (once per run), so a fresh parser each time is fine.
std::optional<std::string> string_field(std::string_view body, std::string_view name) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) return std::nullopt;
  std::string_view value;
  if (doc[name].get(value) != simdjson::SUCCESS) return std::nullopt;
  return std::string(value);
}

}  // namespace

Reply error_reply(std::string_view type, std::string_view message, int status) {
  std::string body = "{\"__type\":\"";
  append_json_escaped(body, type);
  body += "\",\"message\":\"";
  append_json_escaped(body, message);
  body += "\"}";
  return Reply{status, std::move(body)};
}

Reply Api::handle(std::string_view target, std::string_view body, bool has_authorization, std::int64_t now_unix_ns) {
  state_.count_request(body.size());
  if (!has_authorization) {
    state_.count_unauthenticated();
    return error_reply("MissingAuthenticationTokenException", "Missing Authentication Token");
  }
  const auto dot = target.rfind('.');
  const std::string_view operation = dot == std::string_view::npos ? target : target.substr(dot + 1);
  if (operation == "PutLogEvents") return put_log_events(body, now_unix_ns);
  if (operation == "CreateLogGroup") return create_group(body);
  if (operation == "CreateLogStream") return create_stream(body);
  if (operation == "PutRetentionPolicy") {
    state_.count_retention();
    return Reply{};
  }
  state_.count_unknown_operation();
  return error_reply("UnknownOperationException", "The sink does not implement '" + std::string(target) + "'");
}

Reply Api::put_log_events(std::string_view body, std::int64_t now_unix_ns) {
  testing::PutCheckOptions options;
  options.collect_traces = collect_traces_;
  options.allow_sequence_token = true;  // other shippers may still send one
  const testing::PutCheck check = testing::check_put_log_events(body, options);
  if (!check.ok()) {
    state_.refuse_put(check);
    return error_reply(check.error_type, check.error);
  }
  if (!state_.has_stream(check.log_group, check.log_stream)) {
    state_.count_not_found();
    return error_reply("ResourceNotFoundException", "The specified log stream does not exist.");
  }
  Reply reply;
  reply.expectation_met = state_.accept_put(check, body.size(), now_unix_ns);
  reply.body = "{\"nextSequenceToken\":\"" + std::to_string(next_token_.fetch_add(1)) + "\"}";
  return reply;
}

Reply Api::create_group(std::string_view body) {
  const auto group = string_field(body, "logGroupName");
  if (!group || group->empty()) return error_reply("InvalidParameterException", "logGroupName is required.");
  if (state_.create_group(*group) == CreateResult::exists) {
    return error_reply("ResourceAlreadyExistsException", "The specified log group already exists");
  }
  return Reply{};
}

Reply Api::create_stream(std::string_view body) {
  const auto group = string_field(body, "logGroupName");
  const auto stream = string_field(body, "logStreamName");
  if (!group || !stream || group->empty() || stream->empty()) {
    return error_reply("InvalidParameterException", "logGroupName and logStreamName are required.");
  }
  switch (state_.create_stream(*group, *stream)) {
    case CreateResult::created: return Reply{};
    case CreateResult::exists:
      return error_reply("ResourceAlreadyExistsException", "The specified log stream already exists");
    case CreateResult::no_group:
      return error_reply("ResourceNotFoundException", "The specified log group does not exist.");
  }
  return Reply{};
}

}  // namespace cw::bench::sink
