#pragma once
// A strict, independent check of a PutLogEvents request body against every
// limit of ../shared/cloudwatch-facts.md. It parses the body with simdjson
// (not with the code under test) and unescapes each message, so it counts the
// bytes CloudWatch counts. Reusable by any test that produces request bodies.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cw::testing {

// The service's limits, written down here on purpose rather than taken from
// cloudwatch/limits.h: a wrong constant there must not hide a violation.
struct PutLimits {
  std::size_t max_batch_bytes = 1'048'576;
  std::size_t per_event_overhead = 26;
  std::size_t max_batch_events = 10'000;
  std::size_t max_message_bytes = 1'048'576 - 26;
  std::int64_t max_span_ms = 24LL * 3600 * 1000;
};

struct PutEvent {
  std::int64_t timestamp_ms = 0;
  std::string message;  // unescaped
};

struct PutCheck {
  std::vector<std::string> violations;  // empty: the body is a valid request
  std::string log_group;
  std::string log_stream;
  std::vector<PutEvent> events;  // in the order of the body
  std::size_t payload_bytes = 0; // sum of message bytes + overhead per event

  bool ok() const { return violations.empty(); }
  std::string summary() const;  // the violations, one per line
};

PutCheck check_put_log_events(std::string_view body, const PutLimits& limits = {});

}  // namespace cw::testing
