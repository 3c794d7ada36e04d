// Strict validation of one PutLogEvents request body against every limit the
// service enforces, so the benchmark proves a shipper's batches would be accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cw::bench::sink {

// The service's numbers (see ../shared/cloudwatch-facts.md).
inline constexpr std::size_t kMaxEvents = 10'000;
inline constexpr std::size_t kMaxBatchBytes = 1'048'576;
inline constexpr std::size_t kEventOverhead = 26;
inline constexpr std::size_t kMaxMessageBytes = kMaxBatchBytes - kEventOverhead;
inline constexpr std::int64_t kMaxSpanMs = 24LL * 60 * 60 * 1000;

struct PutCheck {
  std::string error_type;  // empty when the request is acceptable
  std::string error;       // the message sent back with error_type
  std::string group;
  std::string stream;
  std::size_t events = 0;
  std::size_t message_bytes = 0;            // sum of UTF-8 bytes of the unescaped messages
  std::vector<std::uint64_t> trace_seqs;    // "bench_seq":N found in messages, when asked for
  bool ok() const { return error_type.empty(); }
  std::size_t batch_bytes() const { return message_bytes + kEventOverhead * events; }
};

// Validates one body. A purpose-built scanner rather than a general JSON parser: it only
// measures each message (unescaped length, UTF-8) without copying it, which costs a
// fraction of simdjson's DOM build (that spent most of the sink's CPU on the copies
// of ~450,000 escaped messages per 100 MB). It still rejects any malformed JSON.
PutCheck check_put_log_events(std::string_view body, bool collect_traces);

}  // namespace cw::bench::sink
