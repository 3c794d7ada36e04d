#include "cloudwatch/responses.h"

#include <simdjson.h>

#include <algorithm>

#include "common/text.h"

namespace cw::cloudwatch {
namespace {

std::string xml_element(std::string_view body, std::string_view name) {
  const std::string open = "<" + std::string(name) + ">";
  const std::string close = "</" + std::string(name) + ">";
  const auto start = body.find(open);
  if (start == std::string_view::npos) return {};
  const auto from = start + open.size();
  const auto end = body.find(close, from);
  if (end == std::string_view::npos) return {};
  return std::string(trim(body.substr(from, end - from)));
}

std::string json_string_field(simdjson::dom::object& object, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    std::string_view value;
    if (object[key].get_string().get(value) == simdjson::SUCCESS) return std::string(value);
  }
  return {};
}

}  // namespace

std::string normalise_error_type(std::string_view raw) {
  if (const auto colon = raw.find(':'); colon != std::string_view::npos) raw = raw.substr(0, colon);
  if (const auto hash = raw.rfind('#'); hash != std::string_view::npos) raw = raw.substr(hash + 1);
  return std::string(trim(raw));
}

ErrorBody parse_error_body(std::string_view body) {
  ErrorBody out;
  const std::string_view text = trim(body);
  if (text.empty()) return out;
  if (text.front() == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::object object;
    if (parser.parse(text.data(), text.size()).get_object().get(object) == simdjson::SUCCESS) {
      out.type = normalise_error_type(json_string_field(object, {"__type", "code", "Code"}));
      out.message = json_string_field(object, {"message", "Message", "errorMessage"});
    }
    return out;
  }
  if (text.front() == '<') {
    out.type = normalise_error_type(xml_element(text, "Code"));
    out.message = xml_element(text, "Message");
  }
  return out;
}

RejectedCounts parse_rejected(std::string_view put_response_body, std::size_t event_count) {
  RejectedCounts counts;
  simdjson::dom::parser parser;
  simdjson::dom::object info;
  if (parser.parse(put_response_body.data(), put_response_body.size())["rejectedLogEventsInfo"].get_object().get(
          info) != simdjson::SUCCESS) {
    return counts;
  }
  // Indexes: tooNew is inclusive from its index to the end; tooOld and expired
  // are exclusive ends from the start. An event can be counted once only, so
  // expired (the older reason) wins over too old.
  auto index = [&](std::string_view key) -> std::optional<std::size_t> {
    std::int64_t value;
    if (info[key].get_int64().get(value) != simdjson::SUCCESS || value < 0) return std::nullopt;
    return std::min(static_cast<std::size_t>(value), event_count);
  };
  const std::size_t expired_end = index("expiredLogEventEndIndex").value_or(0);
  const std::size_t too_old_end = std::max(index("tooOldLogEventEndIndex").value_or(0), expired_end);
  const std::size_t too_new_start = std::max(index("tooNewLogEventStartIndex").value_or(event_count), too_old_end);
  counts.expired = expired_end;
  counts.too_old = too_old_end - expired_end;
  counts.too_new = event_count - too_new_start;
  return counts;
}

}  // namespace cw::cloudwatch
