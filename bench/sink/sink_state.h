// What the sink knows: the groups and streams created, and the counters the
// benchmark driver reads at GET /stats. One mutex: requests are few (about one
// per MiB), so contention is not a cost worth avoiding.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "put_check.h"

namespace cw::bench::sink {

enum class CreateResult { created, exists, no_group };

struct Counters {
  std::uint64_t requests = 0;       // every HTTP request, any operation
  std::uint64_t body_bytes = 0;     // HTTP request bodies, all operations
  std::uint64_t puts = 0;           // PutLogEvents calls, accepted or not
  std::uint64_t puts_accepted = 0;
  std::uint64_t events = 0;         // events of accepted calls
  std::uint64_t message_bytes = 0;  // their unescaped UTF-8 message bytes
  std::uint64_t batch_bytes = 0;    // message bytes + 26 per event: what the 1 MiB limit counts
  std::uint64_t put_body_bytes = 0; // HTTP bodies of accepted PutLogEvents calls
  std::uint64_t max_batch_bytes = 0;
  std::uint64_t max_batch_events = 0;
  std::uint64_t violations = 0;     // PutLogEvents refused for breaking a limit or malformed
  std::uint64_t not_found = 0;      // PutLogEvents to a group or stream never created
  std::uint64_t unauthenticated = 0;
  std::uint64_t unknown_operations = 0;
  std::uint64_t create_group = 0;
  std::uint64_t create_stream = 0;
  std::uint64_t put_retention = 0;
  std::int64_t first_put_unix_ns = 0;
  std::int64_t last_put_unix_ns = 0;
  std::string last_violation;
};

class SinkState {
 public:
  explicit SinkState(std::uint64_t expect_events) : expect_events_(expect_events) {}

  void count_request(std::size_t body_bytes);
  void count_unauthenticated();
  void count_unknown_operation();
  void count_retention();

  CreateResult create_group(const std::string& group);
  CreateResult create_stream(const std::string& group, const std::string& stream);
  bool has_stream(const std::string& group, const std::string& stream) const;

  // Records an accepted call; returns true when it completes --expect-events.
  bool accept_put(const testing::PutCheck& check, std::size_t body_bytes, std::int64_t now_unix_ns);
  void refuse_put(const testing::PutCheck& check);
  void count_not_found();

  std::string stats_json() const;
  std::string arrivals_json() const;  // (bench_seq, arrival time) of traced events
  void reset();                       // counters and arrivals; groups and streams stay

 private:
  mutable std::mutex mutex_;
  const std::uint64_t expect_events_;
  bool expect_reached_ = false;
  Counters counters_;
  std::set<std::string> groups_;
  std::set<std::pair<std::string, std::string>> streams_;
  std::vector<std::pair<std::uint64_t, std::int64_t>> arrivals_;
};

}  // namespace cw::bench::sink
