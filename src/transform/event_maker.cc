#include "transform/event_maker.h"

namespace cw::transform {

EventMaker::EventMaker(EventMakerOptions options, Counters& counters)
    : options_(std::move(options)),
      counters_(counters),
      transformer_(options_.line),
      split_(options_.line.max_message_bytes) {}

bool EventMaker::make(const ReadLine& line, std::int64_t now_ms, EventSink& sink) {
  if (line.part > 0) return make_pieces(line, now_ms, sink);
  const Event event = transformer_.transform(line.text, now_ms);
  if (event.too_long) {
    // Too long once rewritten, or once its invalid bytes were replaced: cut
    // like any long line, so that nothing of it is lost.
    ReadLine whole = line;
    whole.part = 1;
    whole.last = true;
    return make_pieces(whole, now_ms, sink);
  }
  return send_event(event, now_ms, sink);
}

bool EventMaker::make_pieces(const ReadLine& line, std::int64_t now_ms, EventSink& sink) {
  split_id_ = std::to_string(line.file_identity) + ":" + std::to_string(line.line_start);
  const bool repaired = split_.feed(split_id_, line.text, line.last);
  std::string_view message;
  bool first = true;
  while (split_.next(message)) {
    Event event;
    event.kind = LineKind::kRaw;
    event.timestamp_ms = now_ms;
    event.message = message;
    event.utf8_repaired = repaired && first;  // counted once per piece of the line
    if (!send_event(event, now_ms, sink)) return false;
    if (!first || line.part > 1) add_as_sole_writer(counters_.lines_split);
    first = false;
  }
  return true;
}

bool EventMaker::send_event(const Event& event, std::int64_t now_ms, EventSink& sink) {
  add_as_sole_writer(counters_.lines_read);
  switch (event.kind) {
    case LineKind::kJson: add_as_sole_writer(counters_.events_json); break;
    case LineKind::kNoTimestamp: add_as_sole_writer(counters_.events_no_timestamp); break;
    case LineKind::kRaw: add_as_sole_writer(counters_.events_raw); break;
    case LineKind::kEmpty: add_as_sole_writer(counters_.lines_empty); return true;
  }
  if (event.utf8_repaired) add_as_sole_writer(counters_.events_utf8_repaired);
  std::int64_t timestamp = event.timestamp_ms;
  std::string_view message = event.message;
  // Only a time taken from the line can be outside the window.
  if (event.kind == LineKind::kJson) {
    const auto verdict = options_.window.check(timestamp, now_ms);
    if (verdict != WindowVerdict::kInside) {
      switch (options_.window_policy) {
        case WindowPolicy::kSetAside:
          sink.set_aside(verdict == WindowVerdict::kTooOld ? "too_old" : "too_new", timestamp, message);
          add_as_sole_writer(counters_.events_set_aside_window);
          return true;
        case WindowPolicy::kRestamp:
          restamp_message(restamped_, message, timestamp);
          // Restamped only while the original time still fits in the message;
          // else sent as it is, and the service's rejection is counted.
          if (restamped_.size() <= options_.line.max_message_bytes) {
            message = restamped_;
            timestamp = now_ms;
            add_as_sole_writer(counters_.events_restamped);
          }
          break;
        case WindowPolicy::kSend: break;
      }
    }
  }
  return sink.send(timestamp, message);
}

}  // namespace cw::transform
