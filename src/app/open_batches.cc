#include "app/open_batches.h"

namespace cw::app {

OpenBatches::OpenBatches(cloudwatch::SenderPool& senders, AckTracker& acks, cloudwatch::Limits limits,
                         std::size_t budget_bytes)
    : senders_(senders), acks_(acks), limits_(limits), budget_bytes_(budget_bytes) {}

Destination& OpenBatches::find(std::string_view group, std::string_view stream,
                               const cloudwatch::GroupOptions& options) {
  key_.assign(group);
  key_ += ':';
  key_ += stream;
  auto [it, added] = destinations_.try_emplace(key_);
  if (added) {
    it->second.group = std::string(group);
    it->second.stream = std::string(stream);
    it->second.group_options = &options;
  }
  return it->second;
}

bool OpenBatches::make_room(Destination& to, std::size_t message_bytes, std::int64_t timestamp_ms,
                            std::int64_t now_ms, const std::atomic<bool>& stop) {
  if (to.batch != nullptr && !to.batch->fits(message_bytes, timestamp_ms)) hand_over(to);
  const std::size_t needed = message_bytes + limits_.per_event_overhead;
  while (open_bytes_ > 0 && open_bytes_ + needed > budget_bytes_) hand_over(*fullest());
  if (to.batch != nullptr) return true;
  to.batch = senders_.acquire(stop);
  if (to.batch == nullptr) {
    senders_.check_fatal();
    return false;
  }
  to.batch->set_destination(to.group, to.stream, to.group_options);
  to.ticket = acks_.open(now_ms);
  to.opened = Clock::now();
  ++open_count_;
  return true;
}

void OpenBatches::add(Destination& to, std::int64_t timestamp_ms, std::string_view message) {
  const std::size_t before = to.batch->payload_bytes();
  to.batch->add(timestamp_ms, message);
  open_bytes_ += to.batch->payload_bytes() - before;
}

void OpenBatches::hand_over(Destination& destination) {
  if (destination.batch == nullptr) return;
  open_bytes_ -= destination.batch->payload_bytes();
  --open_count_;
  if (destination.batch->empty()) {
    senders_.release(destination.batch);
    acks_.complete(destination.ticket, true);
  } else {
    senders_.submit(destination.batch, destination.ticket);
  }
  destination.batch = nullptr;
}

void OpenBatches::hand_over_all() {
  for (auto& [key, destination] : destinations_) hand_over(destination);
}

void OpenBatches::sweep(Clock::time_point now, std::chrono::milliseconds linger) {
  for (auto it = destinations_.begin(); it != destinations_.end();) {
    Destination& destination = it->second;
    if (destination.batch != nullptr && now - destination.opened >= linger) hand_over(destination);
    it = destination.batch == nullptr ? destinations_.erase(it) : std::next(it);
  }
}

std::optional<OpenBatches::Clock::time_point> OpenBatches::oldest_opened() const {
  std::optional<Clock::time_point> oldest;
  if (open_count_ == 0) return oldest;
  for (const auto& [key, destination] : destinations_) {
    if (destination.batch != nullptr && (!oldest || destination.opened < *oldest)) oldest = destination.opened;
  }
  return oldest;
}

Destination* OpenBatches::fullest() {
  Destination* best = nullptr;
  for (auto& [key, destination] : destinations_) {
    if (destination.batch == nullptr) continue;
    if (best == nullptr || destination.batch->payload_bytes() > best->batch->payload_bytes()) best = &destination;
  }
  return best;
}

}  // namespace cw::app
