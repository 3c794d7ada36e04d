#pragma once
// The JSON texts the sidecar sends to CloudWatch Logs (AWS JSON 1.1 inputs)
// and writes beside them (the dead-letter line). Every caller builds them
// here, so a field's name and its escaping are written once.
//
// A PutLogEvents body is put_events_head(), the events joined by commas, and
// kPutEventsTail; Batch writes the events straight into its own text with
// kEventHead, kEventMessage and kEventTail, the pieces of event_json().

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cw::cloudwatch {

// How a log group is created when it is missing.
struct GroupOptions {
  int retention_days = 0;  // 0: never expire (PutRetentionPolicy not called)
  std::vector<std::pair<std::string, std::string>> tags;
  std::string kms_key_id;
  std::string group_class;  // STANDARD or INFREQUENT_ACCESS; empty: the service default
};

inline constexpr std::string_view kEventHead = R"({"timestamp":)";
inline constexpr std::string_view kEventMessage = R"(,"message":")";
inline constexpr std::string_view kEventTail = R"("})";
inline constexpr std::string_view kPutEventsTail = "]}";

// {"logGroupName":"g","logStreamName":"s","logEvents":[
std::string put_events_head(std::string_view group, std::string_view stream);
// {"timestamp":1,"message":"..."}: one event of a PutLogEvents body.
std::string event_json(std::int64_t timestamp_ms, std::string_view message);
// CreateLogStream's input; without a stream, the group alone (CreateLogGroup
// with no options).
std::string names_body(std::string_view group, std::string_view stream = {});
std::string create_group_body(std::string_view group, const GroupOptions& options);
std::string retention_body(std::string_view group, int retention_days);
// {"reason":"too_old","group":"g","stream":"s","timestamp":..,"message":".."}
// and a newline, from an event as event_json() writes it.
std::string dead_letter_line(std::string_view reason, std::string_view group, std::string_view stream,
                             std::string_view event);

}  // namespace cw::cloudwatch
