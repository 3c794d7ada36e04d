#pragma once
// EventMaker: a line read from a file in; the CloudWatch events to send, and
// those to set aside with their reason, out. Every decision that turns a line
// into events is made here:
//   - a whole line goes through LineTransformer (JSON object: its timestamp,
//     its message without the excluded fields; anything else: as read);
//   - a line too long for one event, read in pieces or found too long once
//     rewritten, is cut by SplitLine into events that say how to rejoin it;
//   - an event outside CloudWatch's time window follows the window policy:
//     restamped (its time kept in the message), sent as it is, or set aside.
// It counts what it makes (Counters: lines, kinds, pieces, restamps, set
// asides) as their one writer, the reading thread. Not thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/counters.h"
#include "transform/line_transformer.h"
#include "transform/split_line.h"
#include "transform/time_window.h"

namespace cw::transform {

struct EventMakerOptions {
  Options line;  // timestamp field, excluded fields, message cap
  WindowPolicy window_policy = WindowPolicy::kRestamp;
  TimeWindow window;
};

// A line as the reader read it.
struct ReadLine {
  std::string_view text;
  // 0: the whole line; 1, 2, ...: a piece of a line longer than a message
  // (`last` on its final piece).
  std::uint32_t part = 0;
  bool last = true;
  // Names the line in its pieces' "@split" id: where it began in which file.
  std::uint64_t file_identity = 0;
  std::uint64_t line_start = 0;
};

// Where the events go.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // False when the event could not be taken (a stop came while waiting for
  // room): the line is abandoned for this run and read again after a restart.
  virtual bool send(std::int64_t timestamp_ms, std::string_view message) = 0;
  // An event CloudWatch would not store, and why ("too_old", "too_new").
  virtual void set_aside(std::string_view reason, std::int64_t timestamp_ms, std::string_view message) = 0;
};

class EventMaker {
 public:
  EventMaker(EventMakerOptions options, Counters& counters);

  // The events of `line`, read at `now_ms`, into `sink`. False when the sink
  // refused one.
  bool make(const ReadLine& line, std::int64_t now_ms, EventSink& sink);

 private:
  bool make_pieces(const ReadLine& line, std::int64_t now_ms, EventSink& sink);
  bool send_event(const Event& event, std::int64_t now_ms, EventSink& sink);

  EventMakerOptions options_;
  Counters& counters_;
  LineTransformer transformer_;
  SplitLine split_;
  std::string restamped_;
  std::string split_id_;
};

}  // namespace cw::transform
