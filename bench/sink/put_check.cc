#include "put_check.h"

#include <simdjson.h>

#include <charconv>
#include <optional>

namespace cw::bench::sink {
namespace {

constexpr std::string_view kInvalid = "InvalidParameterException";

// The first violation decides the answer, like the service, which refuses the
// whole call; later checks are skipped.
struct Violation {
  std::string message;
};

// The trickle mode embeds "bench_seq":N in each line so the sink can time its
// arrival; the message is the line's JSON, so the field appears verbatim.
std::optional<std::uint64_t> find_trace(std::string_view message) {
  static constexpr std::string_view kKey = "\"bench_seq\":";
  const auto at = message.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = message.data() + at + kKey.size();
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(first, message.data() + message.size(), seq);
  if (ec != std::errc() || end == first) return std::nullopt;
  return seq;
}

void check_message(std::string_view message, PutCheck& out, bool collect_traces) {
  if (message.empty()) throw Violation{"Log event message must have at least 1 character."};
  if (message.size() > kMaxMessageBytes) {
    throw Violation{"Log event too large: " + std::to_string(message.size()) + " bytes exceeds limit of " +
                    std::to_string(kMaxMessageBytes)};
  }
  // simdjson validated the raw document; this also catches escapes that decode
  // to something that is not UTF-8 (a lone surrogate such as \ud800).
  if (!simdjson::validate_utf8(message.data(), message.size())) {
    throw Violation{"Log event message is not valid UTF-8."};
  }
  out.message_bytes += message.size();
  if (collect_traces) {
    if (const auto seq = find_trace(message)) out.trace_seqs.push_back(*seq);
  }
}

void check_events(simdjson::dom::array events, PutCheck& out, bool collect_traces) {
  std::int64_t first = 0;
  std::int64_t previous = 0;
  for (auto element : events) {
    if (++out.events > kMaxEvents) {
      throw Violation{"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: Member must "
                      "have length less than or equal to 10000"};
    }
    bool has_timestamp = false;
    bool has_message = false;
    std::int64_t timestamp = 0;
    for (const auto field : element.get_object()) {
      if (field.key == "timestamp") {
        timestamp = field.value.get_int64();
        has_timestamp = true;
      } else if (field.key == "message") {
        check_message(field.value.get_string(), out, collect_traces);
        has_message = true;
      }
    }
    if (!has_timestamp || !has_message) throw Violation{"Each log event needs a timestamp and a message."};
    if (out.events == 1) first = timestamp;
    if (timestamp < previous) {
      throw Violation{"Log events in a single PutLogEvents request must be in chronological order."};
    }
    previous = timestamp;
    // In order, so the span is last - first.
    if (timestamp - first > kMaxSpanMs) {
      throw Violation{"The batch of log events in a single PutLogEvents request cannot span more than 24 hours."};
    }
    if (out.batch_bytes() > kMaxBatchBytes) {
      throw Violation{"Upload too large: more than " + std::to_string(kMaxBatchBytes) +
                      " bytes (messages + 26 per event)"};
    }
  }
  if (out.events == 0) throw Violation{"A PutLogEvents request needs at least one log event."};
}

}  // namespace

PutChecker::PutChecker() = default;
PutChecker::~PutChecker() = default;

std::unique_ptr<simdjson::dom::parser> PutChecker::take_parser() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return std::make_unique<simdjson::dom::parser>();
  auto parser = std::move(idle_.back());
  idle_.pop_back();
  return parser;
}

void PutChecker::give_back(std::unique_ptr<simdjson::dom::parser> parser) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(parser));
}

PutCheck PutChecker::check(std::string_view body, bool collect_traces) {
  PutCheck out;
  auto parser = take_parser();
  try {
    const simdjson::padded_string padded(body);
    const simdjson::dom::element doc = parser->parse(padded);
    bool has_events = false;
    for (const auto field : doc.get_object()) {
      if (field.key == "logGroupName") {
        out.group = std::string(std::string_view(field.value.get_string()));
      } else if (field.key == "logStreamName") {
        out.stream = std::string(std::string_view(field.value.get_string()));
      } else if (field.key == "logEvents") {
        check_events(field.value.get_array(), out, collect_traces);
        has_events = true;
      }
    }
    if (out.group.empty() || out.stream.empty()) throw Violation{"logGroupName and logStreamName are required."};
    if (!has_events) throw Violation{"logEvents is required."};
  } catch (const Violation& v) {
    out.error_type = kInvalid;
    out.error = v.message;
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() == simdjson::UTF8_ERROR || e.error() == simdjson::STRING_ERROR) {
      out.error_type = kInvalid;
      out.error = std::string("Invalid UTF-8 or escape in the request: ") + e.what();
    } else {
      out.error_type = "SerializationException";
      out.error = std::string("The request body is not valid PutLogEvents JSON: ") + e.what();
    }
  }
  give_back(std::move(parser));
  return out;
}

}  // namespace cw::bench::sink
