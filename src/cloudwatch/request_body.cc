#include "cloudwatch/request_body.h"

#include "common/json_escape.h"

namespace cw::cloudwatch {
namespace {

// ,"name":"value" (no comma when `body` holds only its opening brace).
void append_field(std::string& body, std::string_view name, std::string_view value) {
  body += body.size() > 1 ? ",\"" : "\"";
  body += name;
  body += "\":\"";
  append_json_escaped(body, value);
  body += '"';
}

std::string names(std::string_view group, std::string_view stream) {
  std::string body = "{";
  append_field(body, "logGroupName", group);
  if (!stream.empty()) append_field(body, "logStreamName", stream);
  return body;
}

}  // namespace

std::string put_events_head(std::string_view group, std::string_view stream) {
  return names(group, stream) + R"(,"logEvents":[)";
}

std::string event_json(std::int64_t timestamp_ms, std::string_view message) {
  std::string out(kEventHead);
  out += std::to_string(timestamp_ms);
  out += kEventMessage;
  append_json_escaped(out, message);
  out += kEventTail;
  return out;
}

std::string names_body(std::string_view group, std::string_view stream) { return names(group, stream) + "}"; }

std::string create_group_body(std::string_view group, const GroupOptions& options) {
  std::string body = names(group, {});
  if (!options.kms_key_id.empty()) append_field(body, "kmsKeyId", options.kms_key_id);
  if (!options.group_class.empty()) append_field(body, "logGroupClass", options.group_class);
  if (!options.tags.empty()) {
    body += ",\"tags\":{";
    for (std::size_t i = 0; i < options.tags.size(); ++i) {
      if (i > 0) body += ',';
      body += '"';
      append_json_escaped(body, options.tags[i].first);
      body += "\":\"";
      append_json_escaped(body, options.tags[i].second);
      body += '"';
    }
    body += '}';
  }
  body += '}';
  return body;
}

std::string retention_body(std::string_view group, int retention_days) {
  return names(group, {}) + ",\"retentionInDays\":" + std::to_string(retention_days) + "}";
}

std::string dead_letter_line(std::string_view reason, std::string_view group, std::string_view stream,
                             std::string_view event) {
  std::string line = "{";
  append_field(line, "reason", reason);
  append_field(line, "group", group);
  append_field(line, "stream", stream);
  line += ',';
  line += event.substr(1);  // the event's own fields, after its '{'
  line += '\n';
  return line;
}

}  // namespace cw::cloudwatch
