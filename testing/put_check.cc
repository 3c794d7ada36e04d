#include "put_check.h"

#include <simdjson.h>

#include <charconv>
#include <optional>

#include "json_scanner.h"

namespace cw::testing {
namespace {

constexpr std::string_view kInvalid = "InvalidParameterException";

// The first violation decides the answer, like the service, which refuses the
// whole call; later checks are skipped.
struct Violation {
  std::string message;
};

// The trickle mode embeds "bench_seq":N in each line; the message is that line's
// JSON, so inside the request body the field appears with escaped quotes.
std::optional<std::uint64_t> find_trace(std::string_view raw_message) {
  static constexpr std::string_view kKey = "bench_seq\\\":";
  const auto at = raw_message.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = raw_message.data() + at + kKey.size();
  while (first != raw_message.data() + raw_message.size() && *first == ' ') ++first;
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(first, raw_message.data() + raw_message.size(), seq);
  if (ec != std::errc() || end == first) return std::nullopt;
  return seq;
}

void check_message(const StringInfo& message, PutCheck& out, const PutCheckOptions& options) {
  if (message.unescaped_bytes == 0) throw Violation{"Log event message must have at least 1 character."};
  if (message.unescaped_bytes > options.limits.max_message_bytes) {
    throw Violation{"Log event too large: " + std::to_string(message.unescaped_bytes) + " bytes exceeds limit of " +
                    std::to_string(options.limits.max_message_bytes)};
  }
  out.payload_bytes += message.unescaped_bytes + options.limits.per_event_overhead;
  if (options.collect_traces) {
    if (const auto seq = find_trace(message.raw)) out.trace_seqs.push_back(*seq);
  }
}

void check_events(JsonScanner& in, PutCheck& out, const PutCheckOptions& options) {
  const PutLimits& limits = options.limits;
  std::int64_t first = 0;
  std::int64_t previous = 0;
  in.expect('[');
  if (in.accept(']')) throw Violation{"A PutLogEvents request needs at least one log event."};
  do {
    if (++out.event_count > limits.max_batch_events) {
      throw Violation{"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must "
                      "have length less than or equal to " + std::to_string(limits.max_batch_events)};
    }
    bool has_timestamp = false;
    bool has_message = false;
    PutEvent event;
    in.expect('{');
    if (!in.accept('}')) {
      do {
        const StringInfo key = in.string();
        in.expect(':');
        if (key.raw == "timestamp") {
          event.timestamp_ms = in.integer();
          has_timestamp = true;
        } else if (key.raw == "message") {
          check_message(in.string(options.keep_events ? &event.message : nullptr), out, options);
          has_message = true;
        } else {
          in.skip_value();
        }
      } while (in.accept(','));
      in.expect('}');
    }
    if (!has_timestamp || !has_message) throw Violation{"Each log event needs a timestamp and a message."};
    const std::int64_t timestamp = event.timestamp_ms;
    if (out.event_count == 1) first = timestamp;
    if (out.event_count > 1 && timestamp < previous) {
      throw Violation{"Log events in a single PutLogEvents request must be in chronological order."};
    }
    previous = timestamp;
    // In order, so the span is last - first.
    if (timestamp - first > limits.max_span_ms) {
      throw Violation{"The batch of log events in a single PutLogEvents request cannot span more than 24 hours."};
    }
    if (out.payload_bytes > limits.max_batch_bytes) {
      throw Violation{"Upload too large: more than " + std::to_string(limits.max_batch_bytes) +
                      " bytes (messages + " + std::to_string(limits.per_event_overhead) + " per event)"};
    }
    if (options.keep_events) out.events.push_back(std::move(event));
  } while (in.accept(','));
  in.expect(']');
}

}  // namespace

PutCheck check_put_log_events(std::string_view body) {
  PutCheckOptions options;
  options.keep_events = true;
  return check_put_log_events(body, options);
}

PutCheck check_put_log_events(std::string_view body, const PutCheckOptions& options) {
  PutCheck out;
  try {
    // simdjson's validator runs at many GB/s; after it, only escapes can still
    // produce something that is not UTF-8, and the scanner checks those.
    if (!simdjson::validate_utf8(body.data(), body.size())) throw BadUnicode("the body is not valid UTF-8");
    JsonScanner in(body);
    bool has_events = false;
    in.expect('{');
    if (!in.accept('}')) {
      do {
        std::string key;
        in.string(&key);
        in.expect(':');
        if (key == "logGroupName") {
          in.string(&out.log_group);
        } else if (key == "logStreamName") {
          in.string(&out.log_stream);
        } else if (key == "logEvents") {
          check_events(in, out, options);
          has_events = true;
        } else if (key == "sequenceToken" && !options.allow_sequence_token) {
          throw Violation{"sequenceToken sent: the service has ignored it since 2023."};
        } else {
          in.skip_value();
        }
      } while (in.accept(','));
      in.expect('}');
    }
    if (!in.at_end()) throw Malformed("content after the JSON object");
    if (out.log_group.empty() || out.log_stream.empty()) throw Violation{"logGroupName and logStreamName are required."};
    if (!has_events) throw Violation{"logEvents is required."};
  } catch (const Violation& v) {
    out.error_type = kInvalid;
    out.error = v.message;
  } catch (const BadUnicode& e) {
    out.error_type = kInvalid;
    out.error = std::string("Invalid UTF-8 in the request: ") + e.what();
  } catch (const Malformed& e) {
    out.error_type = "SerializationException";
    out.error = std::string("The request body is not valid JSON: ") + e.what();
  }
  return out;
}

}  // namespace cw::testing
