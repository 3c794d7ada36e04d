// Strict validation of one PutLogEvents request body against every limit the
// service enforces, so the benchmark proves a shipper's batches would be accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

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

// The DOM API, not On-Demand: DOM dispatches at run time to the machine's best
// kernel (AVX2 here), while On-Demand is compiled for the build flags' baseline
// and falls back to the scalar kernel without -mavx2.
// Parsers are reused (their buffers grow once) and handed out one per request,
// since the HTTP server answers on several threads.
class PutChecker {
 public:
  PutChecker();
  ~PutChecker();
  PutChecker(const PutChecker&) = delete;
  PutChecker& operator=(const PutChecker&) = delete;

  PutCheck check(std::string_view body, bool collect_traces);

 private:
  std::unique_ptr<simdjson::dom::parser> take_parser();
  void give_back(std::unique_ptr<simdjson::dom::parser> parser);

  std::mutex mutex_;
  std::vector<std::unique_ptr<simdjson::dom::parser>> idle_;
};

}  // namespace cw::bench::sink
