#include "app/ack_tracker.h"

namespace cw::app {

std::uint64_t AckTracker::add(const std::vector<SourcePosition>& sources, std::int64_t read_time_ms) {
  pending_.push_back(Pending{next_sequence_, sources, read_time_ms});
  return next_sequence_++;
}

void AckTracker::complete(std::uint64_t sequence, bool delivered) {
  if (pending_.empty() || sequence < pending_.front().sequence) return;
  const std::size_t index = sequence - pending_.front().sequence;
  if (index >= pending_.size()) return;
  pending_[index].done = true;
  pending_[index].delivered = delivered;
}

std::vector<SourcePosition> AckTracker::take_acknowledged() {
  std::vector<SourcePosition> out;
  while (!pending_.empty() && pending_.front().done && pending_.front().delivered) {
    for (const auto& position : pending_.front().sources) out.push_back(position);
    pending_.pop_front();
  }
  return out;
}

}  // namespace cw::app
