#pragma once
// PutLogEvents limits (../shared/cloudwatch-facts.md). A batch that breaks any
// of them fails whole, so the batcher enforces every one before sending.

#include <cstddef>
#include <cstdint>

namespace cw::cloudwatch {

struct Limits {
  std::size_t max_batch_bytes = 1'048'576;  // sum of message bytes + per_event_overhead each
  std::size_t per_event_overhead = 26;
  std::size_t max_batch_events = 10'000;
  std::int64_t max_span_ms = 24LL * 3600 * 1000;  // last - first timestamp within a request
};

}  // namespace cw::cloudwatch
