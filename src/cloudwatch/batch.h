#pragma once
// Batch: the events of one PutLogEvents request, and the file positions they
// acknowledge once CloudWatch accepts them.
//
// fits() enforces every limit of the request (bytes with the per-event
// overhead, event count, 24-hour span); write_body() orders the events by
// timestamp, so a batch is always a valid request. Messages are stored already
// JSON-escaped in one arena: adding an event does not allocate once warm.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cloudwatch/limits.h"

namespace cw::cloudwatch {

struct SourcePosition {
  std::uint64_t file_id;
  std::uint64_t end_offset;  // every byte before it is in this batch or done
};

class Batch {
 public:
  explicit Batch(Limits limits);

  bool empty() const { return events_.empty(); }
  std::size_t event_count() const { return events_.size(); }
  // Bytes as CloudWatch counts them: message bytes plus the per-event overhead.
  std::size_t payload_bytes() const { return payload_bytes_; }
  std::int64_t first_timestamp_ms() const { return min_ts_; }
  const Limits& limits() const { return limits_; }

  // Whether an event whose message has `message_bytes` UTF-8 bytes can join.
  bool fits(std::size_t message_bytes, std::int64_t timestamp_ms) const;
  // Precondition: fits(message.size(), timestamp_ms) and !message.empty().
  void add(std::int64_t timestamp_ms, std::string_view message);

  void advance_source(std::uint64_t file_id, std::uint64_t end_offset);
  const std::vector<SourcePosition>& sources() const { return sources_; }

  // Replaces `out` with the request body; events in chronological order,
  // equal timestamps in the order they were added.
  void write_body(std::string& out, std::string_view group, std::string_view stream);

  void clear();

 private:
  struct Entry {
    std::int64_t timestamp_ms;
    std::uint32_t offset;  // of the escaped message in arena_
    std::uint32_t length;
  };
  Limits limits_;
  std::vector<Entry> events_;
  std::string arena_;
  std::vector<SourcePosition> sources_;
  std::size_t payload_bytes_ = 0;
  std::int64_t min_ts_ = 0;
  std::int64_t max_ts_ = 0;
  bool sorted_ = true;
};

}  // namespace cw::cloudwatch
