#pragma once
// LineTransformer: one log line in, one CloudWatch event out, or a mark that
// it is too long for one (EventMaker then cuts the line into pieces).
//
// A line that is a JSON object becomes an event stamped from its timestamp field
// (ISO 8601 or epoch seconds/milliseconds) whose message is the object, compact,
// without the excluded fields, every kept value's text unchanged. Anything else
// is still shipped: the raw line, stamped with the read time. Invalid UTF-8 is
// replaced by U+FFFD first. The returned message views the transformer's own
// buffer and stays valid until the next call; no allocation per line once warm.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/message_limit.h"

namespace cw::transform {

struct Options {
  std::string timestamp_field = "@timestamp";
  std::vector<std::string> exclude_fields = {"@timestamp", "logger"};
  std::size_t max_message_bytes = kMaxMessageBytes;
};

enum class LineKind {
  kJson,   // a JSON object with a usable timestamp
  kNoTimestamp,  // a JSON object, but the timestamp was missing or unparseable: read time used
  kRaw,    // not a JSON object (invalid JSON, array, scalar): raw line, read time
  kEmpty,  // empty or only whitespace: no event, caller counts and skips it
};

struct Event {
  LineKind kind = LineKind::kEmpty;
  std::int64_t timestamp_ms = 0;
  std::string_view message;   // valid UTF-8, not empty (but for kEmpty)
  bool utf8_repaired = false; // invalid bytes were replaced by U+FFFD
  // The message is longer than max_message_bytes: it cannot be one event
  // (EventMaker cuts the line into pieces instead).
  bool too_long = false;
};

class LineTransformer {
 public:
  explicit LineTransformer(Options options);
  ~LineTransformer();
  LineTransformer(const LineTransformer&) = delete;
  LineTransformer& operator=(const LineTransformer&) = delete;

  // `line` excludes the '\n'; a trailing '\r' is dropped. `read_time_ms` stamps
  // lines that carry no usable timestamp.
  Event transform(std::string_view line, std::int64_t read_time_ms);

 private:
  struct Impl;  // keeps simdjson out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace cw::transform
