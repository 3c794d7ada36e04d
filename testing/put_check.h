#pragma once
// A strict check of one PutLogEvents request body against every limit the
// service enforces: the unit tests check the bodies the sidecar builds with
// it, and the benchmark's sink answers each shipper's requests with it, so a
// batch that passes would be accepted by CloudWatch.
//
// It shares no code with what it checks: its limits are written down here,
// not taken from cloudwatch/limits.h (a wrong constant there must not hide a
// violation), and it reads the body with a scanner of its own that measures
// each message's unescaped bytes without copying it (a DOM build spent most
// of the sink's CPU copying the messages of a large backlog). It rejects any
// malformed JSON and invalid UTF-8. Like the service, which refuses the whole
// call, it stops at the first violation.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cw::testing {

struct PutLimits {
  std::size_t max_batch_bytes = 1'048'576;  // messages' bytes + 26 per event
  std::size_t per_event_overhead = 26;
  std::size_t max_batch_events = 10'000;
  std::size_t max_message_bytes = 1'048'576 - 26;
  std::int64_t max_span_ms = 24LL * 3600 * 1000;
};

struct PutCheckOptions {
  PutLimits limits;
  bool keep_events = false;     // unescape each message into PutCheck::events
  bool collect_traces = false;  // the "bench_seq":N of each message into trace_seqs
  // The service has ignored sequenceToken since 2023: the sidecar must not
  // send one, but the sink accepts it from other shippers.
  bool allow_sequence_token = false;
};

struct PutEvent {
  std::int64_t timestamp_ms = 0;
  std::string message;  // unescaped
};

struct PutCheck {
  // The service's error type ("InvalidParameterException",
  // "SerializationException") and message; empty when the body is acceptable.
  std::string error_type;
  std::string error;
  std::string log_group;
  std::string log_stream;
  std::size_t event_count = 0;
  std::size_t payload_bytes = 0;  // messages' unescaped bytes + the overhead per event
  std::vector<PutEvent> events;   // with keep_events, in the order of the body
  std::vector<std::uint64_t> trace_seqs;

  bool ok() const { return error_type.empty(); }
  std::string summary() const { return ok() ? "ok" : error_type + ": " + error; }
};

PutCheck check_put_log_events(std::string_view body, const PutCheckOptions& options);
// With the service's limits, keeping the events: what a unit test wants.
PutCheck check_put_log_events(std::string_view body);

}  // namespace cw::testing
