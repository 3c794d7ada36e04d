#pragma once
// Counters: what happened to every line and request, shared by the reading
// thread, the senders, the summary log line and the metrics endpoint.
//
// Accounting: every line read ends in exactly one outcome —
//   lines_read == events_accepted + events_rejected_* + events_set_aside_*
//                 + lines_empty + lines_filtered + events_in_flight (not yet answered)
// where one line cut into pieces counts once per piece (lines_split counts the
// extra pieces). Relaxed atomics: each counter is exact, a snapshot of several
// is not atomic as a whole.

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>

namespace cw {

// What the filters of one source did (the reading thread writes them).
struct SourceCounters {
  using Counter = std::atomic<std::uint64_t>;
  explicit SourceCounters(std::string source_name) : name(std::move(source_name)) {}
  const std::string name;
  Counter dropped{0};      // by a drop filter
  Counter not_kept{0};     // by a keep_only filter
  Counter sampled_out{0};  // by a sample filter
  Counter redacted{0};     // shipped with something masked
};

struct Counters {
  using Counter = std::atomic<std::uint64_t>;

  // Reading and transforming.
  Counter lines_read{0};           // events made from lines (pieces included) + empty lines
  Counter lines_empty{0};          // outcome: skipped, nothing to send
  Counter lines_filtered{0};       // outcome: ruled out by a source's filters (SourceCounters says how)
  Counter lines_split{0};          // extra events made by cutting lines longer than the message cap
  Counter events_json{0};          // JSON objects stamped from their timestamp field
  Counter events_no_timestamp{0};  // JSON objects stamped with the read time
  Counter events_raw{0};           // not JSON objects: shipped as they are
  Counter events_utf8_repaired{0};
  Counter events_restamped{0};     // outside CloudWatch's time window: re-stamped with the read time
  Counter bytes_read{0};

  // Outcomes of events.
  Counter events_accepted{0};
  Counter events_rejected_too_new{0};   // by the service (rejectedLogEventsInfo): final
  Counter events_rejected_too_old{0};
  Counter events_rejected_expired{0};
  Counter events_set_aside_invalid{0};  // refused one by one as invalid: dead-letter file
  Counter events_set_aside_window{0};   // outside the time window, with the set-aside policy
  Counter bytes_abandoned{0};           // of rotated files released by ROTATED_MAX_AGE_S before being read

  // Requests.
  Counter requests_ok{0};
  Counter requests_throttled{0};
  Counter requests_server_error{0};  // 5xx and service-unavailable kin
  Counter requests_network_error{0}; // no HTTP answer: connect, timeout, reset
  Counter requests_client_error{0};  // other 4xx
  Counter retries{0};
  Counter batches_split{0};
  Counter create_calls{0};
  Counter bytes_sent{0};             // request bodies of accepted PutLogEvents (HTTP bytes)
  Counter payload_bytes_accepted{0}; // as CloudWatch counts them (message bytes + 26 per event)

  // Gauges.
  std::atomic<std::int64_t> events_in_flight{0};
  std::atomic<std::int64_t> batches_in_flight{0};
  std::atomic<std::int64_t> backlog_bytes{0};         // file bytes not yet acknowledged
  std::atomic<std::int64_t> oldest_unacked_ms{0};     // read time of the oldest unacknowledged batch, 0 if none
  std::atomic<std::int64_t> last_success_ms{0};       // epoch ms of the last accepted request
  std::atomic<std::int64_t> failing_since_ms{0};      // epoch ms of the first failure of the current run of failures, 0 if none
  std::atomic<std::int64_t> credentials_expiry_ms{0}; // 0: long-term credentials
  std::atomic<std::int64_t> files_tracked{0};
  std::atomic<std::int64_t> folders_polled{0};  // log folders not watched by inotify, as of the last scan
  std::atomic<bool> waiting_for_state_lock{false};  // another sidecar owns STATE_DIR
  // Checkpoints that cannot be written (a full or read-only STATE_DIR): since
  // when (epoch ms, 0 if they can), the errno, and the bytes acknowledged
  // since the last write that succeeded (what a crash now would repeat).
  std::atomic<std::int64_t> checkpoint_failing_since_ms{0};
  std::atomic<int> checkpoint_error{0};
  std::atomic<std::int64_t> checkpoint_unsaved_bytes{0};
  Counter dead_letter_failures{0};  // events set aside that the dead-letter file could not take

  // One per source, in the order of the configuration; added before any
  // thread reads them (a deque: its elements never move).
  std::deque<SourceCounters> sources;

  // "lines=... accepted=... ..." for the summary log line.
  std::string summary() const;
};

// For a counter with one writer (the reading thread's): a plain load and
// store keeps it exact without a locked instruction per line.
inline void add_as_sole_writer(Counters::Counter& counter, std::uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace cw
