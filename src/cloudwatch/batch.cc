#include "cloudwatch/batch.h"

#include <algorithm>
#include <charconv>

#include "cloudwatch/json_escape.h"

namespace cw::cloudwatch {

Batch::Batch(Limits limits) : limits_(limits) {
  events_.reserve(limits_.max_batch_events);
  arena_.reserve(limits_.max_batch_bytes + limits_.max_batch_bytes / 8);
}

bool Batch::fits(std::size_t message_bytes, std::int64_t timestamp_ms) const {
  if (events_.size() >= limits_.max_batch_events) return false;
  if (payload_bytes_ + message_bytes + limits_.per_event_overhead > limits_.max_batch_bytes) return false;
  if (events_.empty()) return true;
  const std::int64_t lo = std::min(min_ts_, timestamp_ms);
  const std::int64_t hi = std::max(max_ts_, timestamp_ms);
  return hi - lo <= limits_.max_span_ms;
}

void Batch::add(std::int64_t timestamp_ms, std::string_view message) {
  const auto offset = static_cast<std::uint32_t>(arena_.size());
  append_json_escaped(arena_, message);
  const auto length = static_cast<std::uint32_t>(arena_.size() - offset);
  if (events_.empty()) {
    min_ts_ = max_ts_ = timestamp_ms;
  } else {
    if (timestamp_ms < max_ts_) sorted_ = false;
    min_ts_ = std::min(min_ts_, timestamp_ms);
    max_ts_ = std::max(max_ts_, timestamp_ms);
  }
  events_.push_back(Entry{timestamp_ms, offset, length});
  payload_bytes_ += message.size() + limits_.per_event_overhead;
}

void Batch::advance_source(std::uint64_t file_id, std::uint64_t end_offset) {
  for (auto& source : sources_) {
    if (source.file_id == file_id) {
      source.end_offset = std::max(source.end_offset, end_offset);
      return;
    }
  }
  sources_.push_back(SourcePosition{file_id, end_offset});
}

void Batch::write_body(std::string& out, std::string_view group, std::string_view stream) {
  if (!sorted_) {
    std::stable_sort(events_.begin(), events_.end(),
                     [](const Entry& a, const Entry& b) { return a.timestamp_ms < b.timestamp_ms; });
    sorted_ = true;
  }
  out.clear();
  out.reserve(arena_.size() + events_.size() * 40 + group.size() + stream.size() + 64);
  out.append(R"({"logGroupName":")");
  append_json_escaped(out, group);
  out.append(R"(","logStreamName":")");
  append_json_escaped(out, stream);
  out.append(R"(","logEvents":[)");
  char number[24];
  bool first = true;
  for (const Entry& e : events_) {
    out.append(first ? R"({"timestamp":)" : R"(,{"timestamp":)");
    first = false;
    const auto [end, ec] = std::to_chars(number, number + sizeof number, e.timestamp_ms);
    (void)ec;  // 24 chars always hold an int64
    out.append(number, static_cast<std::size_t>(end - number));
    out.append(R"(,"message":")");
    out.append(arena_, e.offset, e.length);
    out.append("\"}");
  }
  out.append("]}");
}

void Batch::clear() {
  events_.clear();
  arena_.clear();
  sources_.clear();
  payload_bytes_ = 0;
  min_ts_ = max_ts_ = 0;
  sorted_ = true;
}

}  // namespace cw::cloudwatch
