#pragma once
// OpenBatches: the batches being filled, one per destination (a group and a
// stream), within one memory budget.
//
// An event goes into its destination's open batch. A batch is handed to the
// senders when the next event does not fit it, when it has waited `linger`,
// or when the events of all open batches would pass the budget: then the
// fullest one goes. So one busy destination still sends full requests, and
// many busy at once send what the budget allows each. A destination left
// without an open batch is forgotten at the next sweep(). Each batch opened
// gets an AckTracker ticket, which its completion carries back. Not
// thread-safe: the reading thread's.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/ack_tracker.h"
#include "cloudwatch/batch.h"
#include "cloudwatch/request_body.h"
#include "cloudwatch/sender_pool.h"

namespace cw::app {

struct Destination {
  std::string group;
  std::string stream;
  const cloudwatch::GroupOptions* group_options = nullptr;
  cloudwatch::Batch* batch = nullptr;  // open; owned by the sender pool
  std::uint64_t ticket = 0;            // of batch
  std::chrono::steady_clock::time_point opened;
};

class OpenBatches {
 public:
  using Clock = std::chrono::steady_clock;

  // `budget_bytes`: payload (as CloudWatch counts it) of all open batches;
  // at least one full batch (limits.max_batch_bytes).
  OpenBatches(cloudwatch::SenderPool& senders, AckTracker& acks, cloudwatch::Limits limits, std::size_t budget_bytes);

  // The destination, created when new; valid until sweep().
  Destination& find(std::string_view group, std::string_view stream, const cloudwatch::GroupOptions& options);

  // Room in `to`'s open batch for an event, opening one (which blocks while
  // every sender is busy: the back-pressure). False when `stop` turned true
  // meanwhile.
  bool make_room(Destination& to, std::size_t message_bytes, std::int64_t timestamp_ms, std::int64_t now_ms,
                 const std::atomic<bool>& stop);
  // Precondition: make_room(to, message.size(), timestamp_ms, ...) was true.
  void add(Destination& to, std::int64_t timestamp_ms, std::string_view message);

  void hand_over(Destination& destination);
  void hand_over_all();
  // Hands over the batches opened `linger` before `now` or earlier, and
  // forgets the destinations without an open batch.
  void sweep(Clock::time_point now, std::chrono::milliseconds linger);

  bool any_open() const { return open_count_ > 0; }
  std::optional<Clock::time_point> oldest_opened() const;
  std::size_t open_bytes() const { return open_bytes_; }

 private:
  Destination* fullest();

  cloudwatch::SenderPool& senders_;
  AckTracker& acks_;
  cloudwatch::Limits limits_;
  std::size_t budget_bytes_;
  std::unordered_map<std::string, Destination> destinations_;  // by "group:stream" (':' is in neither)
  std::string key_;  // find()'s, kept to spare an allocation per call
  std::size_t open_bytes_ = 0;
  std::size_t open_count_ = 0;
};

}  // namespace cw::app
