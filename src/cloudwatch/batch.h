#pragma once
// Batch: the events of one PutLogEvents request, and where they go.
//
// fits() enforces every limit of the request (bytes with the per-event
// overhead, event count, 24-hour span). Events are serialised as they are
// added, straight into the request's own text, so the body is a few pieces
// (names, events, closing) that are hashed and sent without another copy.
// Events that came out of order are put in timestamp order by the pieces
// alone: the text is never copied to sort it, so a batch of lines from
// several files costs no more memory than one of lines from one file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cloudwatch/limits.h"
#include "common/byte_buffer.h"
#include "cloudwatch/request_body.h"

namespace cw::cloudwatch {

class Batch {
 public:
  explicit Batch(Limits limits);

  bool empty() const { return events_.empty(); }
  std::size_t event_count() const { return events_.size(); }
  // Bytes as CloudWatch counts them: message bytes plus the per-event overhead.
  std::size_t payload_bytes() const { return payload_bytes_; }
  const Limits& limits() const { return limits_; }

  // Whether an event whose message has `message_bytes` UTF-8 bytes can join.
  bool fits(std::size_t message_bytes, std::int64_t timestamp_ms) const;
  // Precondition: fits(message.size(), timestamp_ms) and !message.empty().
  void add(std::int64_t timestamp_ms, std::string_view message);

  // Group and stream this batch goes to, and how the group is created when
  // it is missing (`group_options` outlives the batch; null: the service's
  // defaults); fixed when the batch is opened.
  void set_destination(std::string_view group, std::string_view stream, const GroupOptions* group_options = nullptr);
  const std::string& group() const { return group_; }
  const std::string& stream() const { return stream_; }
  const GroupOptions& group_options() const;

  // The request body as consecutive pieces; views stay valid until the batch
  // changes. Events come in chronological order, equal timestamps in the
  // order they were added: three pieces when they were added in that order,
  // one more for each place where the order jumps within the text otherwise.
  const std::vector<std::string_view>& body_parts();
  std::size_t body_size();

  // Event i (in body order) as its JSON object text: {"timestamp":..,"message":".."}.
  std::string_view event_json(std::size_t i);
  // Appends events [from, to) of this batch (in body order) to `out`, which
  // must be able to take them (used to split a batch the service refused).
  void copy_events_to(std::size_t from, std::size_t to, Batch& out);

  void clear();

 private:
  struct Entry {
    std::int64_t timestamp_ms;
    std::uint32_t offset;  // of the event's JSON object in events_text_
    std::uint32_t length;
    std::uint32_t message_bytes;  // unescaped, as CloudWatch counts
  };
  void sort_if_needed();
  // Writes timestamp_ms in decimal. Events of one second share all digits but
  // the last three, which are copied rather than converted again.
  char* write_timestamp(char* out, std::int64_t timestamp_ms);

  Limits limits_;
  std::vector<Entry> events_;
  ByteBuffer events_text_;  // "{...},{...}" in the order events were added
  std::vector<std::string_view> parts_;  // body_parts(), capacity kept
  std::string prefix_;       // {"logGroupName":..,"logStreamName":..,"logEvents":[
  std::string group_;
  std::string stream_;
  const GroupOptions* group_options_ = nullptr;
  std::size_t payload_bytes_ = 0;
  std::int64_t min_ts_ = 0;
  std::int64_t max_ts_ = 0;
  bool sorted_ = true;         // events_ in timestamp order
  bool text_in_order_ = true;  // events_text_ holds the events in events_'s order
  std::int64_t second_ = -1;   // whose decimal digits second_digits_ holds
  char second_digits_[20];
  std::size_t second_digits_size_ = 0;
};

}  // namespace cw::cloudwatch
