#include "cloudwatch/batch.h"

#include <algorithm>
#include <charconv>

#include "cloudwatch/request_body.h"
#include "common/json_escape.h"

namespace cw::cloudwatch {
namespace {

constexpr std::string_view kComma = ",";

}  // namespace

Batch::Batch(Limits limits) : limits_(limits) {}

bool Batch::fits(std::size_t message_bytes, std::int64_t timestamp_ms) const {
  if (events_.size() >= limits_.max_batch_events) return false;
  if (payload_bytes_ + message_bytes + limits_.per_event_overhead > limits_.max_batch_bytes) return false;
  if (events_.empty()) return true;
  const std::int64_t lo = std::min(min_ts_, timestamp_ms);
  const std::int64_t hi = std::max(max_ts_, timestamp_ms);
  return hi - lo <= limits_.max_span_ms;
}

void Batch::add(std::int64_t timestamp_ms, std::string_view message) {
  constexpr std::size_t kHeadRoom = 1 + kEventHead.size() + 20 + kEventMessage.size();  // 20 chars hold any int64
  if (events_.empty()) {
    // Reserved on first use, so idle batches of the pool cost nothing; and
    // generously, as only the pages written count: a batch of 1 MiB of
    // messages is about 1.25 MB of text, and grows only for heavy escaping.
    if (events_text_.capacity() == 0) {
      events_text_.reserve(2 * limits_.max_batch_bytes);
      events_.reserve(limits_.max_batch_events);
    }
    min_ts_ = max_ts_ = timestamp_ms;
  } else {
    if (timestamp_ms < max_ts_) sorted_ = false;
    min_ts_ = std::min(min_ts_, timestamp_ms);
    max_ts_ = std::max(max_ts_, timestamp_ms);
  }
  char* w = events_text_.room(kHeadRoom + json_escaped_room(message.size()) + kEventTail.size());
  if (!events_.empty()) *w++ = ',';
  const auto offset = static_cast<std::uint32_t>(events_text_.size() + (events_.empty() ? 0 : 1));
  w = std::copy(kEventHead.begin(), kEventHead.end(), w);
  w = write_timestamp(w, timestamp_ms);
  w = std::copy(kEventMessage.begin(), kEventMessage.end(), w);
  w = write_json_escaped(w, message);
  w = std::copy(kEventTail.begin(), kEventTail.end(), w);
  events_text_.commit(w);
  events_.push_back(Entry{timestamp_ms, offset, static_cast<std::uint32_t>(events_text_.size() - offset),
                          static_cast<std::uint32_t>(message.size())});
  payload_bytes_ += message.size() + limits_.per_event_overhead;
}

char* Batch::write_timestamp(char* out, std::int64_t timestamp_ms) {
  if (timestamp_ms < 1000) return std::to_chars(out, out + 20, timestamp_ms).ptr;
  const std::int64_t second = timestamp_ms / 1000;
  if (second != second_) {
    second_ = second;
    second_digits_size_ =
        static_cast<std::size_t>(std::to_chars(second_digits_, second_digits_ + sizeof second_digits_, second).ptr -
                                 second_digits_);
  }
  out = std::copy_n(second_digits_, second_digits_size_, out);
  const auto millis = static_cast<int>(timestamp_ms % 1000);
  *out++ = static_cast<char>('0' + millis / 100);
  *out++ = static_cast<char>('0' + millis / 10 % 10);
  *out++ = static_cast<char>('0' + millis % 10);
  return out;
}

const GroupOptions& Batch::group_options() const {
  static const GroupOptions kDefaults;
  return group_options_ != nullptr ? *group_options_ : kDefaults;
}

void Batch::set_destination(std::string_view group, std::string_view stream, const GroupOptions* group_options) {
  group_ = std::string(group);
  stream_ = std::string(stream);
  group_options_ = group_options;
  prefix_ = put_events_head(group, stream);
}

void Batch::sort_if_needed() {
  if (sorted_) return;
  std::stable_sort(events_.begin(), events_.end(),
                   [](const Entry& a, const Entry& b) { return a.timestamp_ms < b.timestamp_ms; });
  sorted_ = true;
  text_in_order_ = false;
}

const std::vector<std::string_view>& Batch::body_parts() {
  sort_if_needed();
  parts_.clear();
  parts_.push_back(prefix_);
  if (text_in_order_) {
    parts_.push_back(events_text_.view());
  } else {
    // Each event with the comma before it, where there is one to send; events
    // that follow each other in the text too are joined into one piece.
    const char* const text = events_text_.view().data();
    for (std::size_t i = 0; i < events_.size(); ++i) {
      const Entry& e = events_[i];
      std::string_view piece(text + e.offset, e.length);
      if (i > 0) {
        if (e.offset > 0) {
          piece = std::string_view(piece.data() - 1, piece.size() + 1);  // its own leading comma
        } else {
          parts_.push_back(kComma);  // the first event added has none
        }
      }
      std::string_view& last = parts_.back();
      if (i > 0 && last.data() + last.size() == piece.data()) {
        last = std::string_view(last.data(), last.size() + piece.size());
      } else {
        parts_.push_back(piece);
      }
    }
  }
  parts_.push_back(kPutEventsTail);
  return parts_;
}

std::size_t Batch::body_size() { return prefix_.size() + events_text_.size() + kPutEventsTail.size(); }

std::string_view Batch::event_json(std::size_t i) {
  sort_if_needed();
  return events_text_.view().substr(events_[i].offset, events_[i].length);
}

void Batch::copy_events_to(std::size_t from, std::size_t to, Batch& out) {
  sort_if_needed();
  for (std::size_t i = from; i < to; ++i) {
    const Entry& e = events_[i];
    if (out.events_.empty()) {
      out.min_ts_ = out.max_ts_ = e.timestamp_ms;
    } else {
      out.events_text_.push_back(',');
      if (e.timestamp_ms < out.max_ts_) out.sorted_ = false;
      out.min_ts_ = std::min(out.min_ts_, e.timestamp_ms);
      out.max_ts_ = std::max(out.max_ts_, e.timestamp_ms);
    }
    const auto offset = static_cast<std::uint32_t>(out.events_text_.size());
    out.events_text_.append(events_text_.view().substr(e.offset, e.length));
    out.events_.push_back(Entry{e.timestamp_ms, offset, e.length, e.message_bytes});
    out.payload_bytes_ += e.message_bytes + limits_.per_event_overhead;
  }
}

void Batch::clear() {
  events_.clear();
  events_text_.clear();
  group_.clear();
  stream_.clear();
  prefix_.clear();
  payload_bytes_ = 0;
  min_ts_ = max_ts_ = 0;
  sorted_ = true;
  text_in_order_ = true;
}

}  // namespace cw::cloudwatch
