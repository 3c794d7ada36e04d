#include "app/ack_tracker.h"

namespace cw::app {

void AckTracker::File::start_segment(std::uint64_t ticket, std::uint64_t end_offset) {
  segments_.push_back(Segment{ticket, end_offset});
  if (auto it = tracker_.tickets_.find(ticket); it != tracker_.tickets_.end()) ++it->second.segments;
}

std::uint64_t AckTracker::open(std::int64_t read_time_ms) {
  tickets_.emplace(next_ticket_, Ticket{read_time_ms});
  return next_ticket_++;
}

AckTracker::File& AckTracker::file(std::uint64_t file_id) {
  return files_.try_emplace(file_id, File(*this)).first->second;
}

void AckTracker::complete(std::uint64_t ticket, bool delivered) {
  const auto it = tickets_.find(ticket);
  if (it == tickets_.end()) return;
  it->second.done = true;
  it->second.delivered = delivered;
  if (delivered && it->second.segments == 0) tickets_.erase(it);
}

void AckTracker::release_segment(std::map<std::uint64_t, Ticket>::iterator ticket) {
  if (--ticket->second.segments == 0) tickets_.erase(ticket);
}

std::vector<SourcePosition> AckTracker::take_acknowledged() {
  std::vector<SourcePosition> out;
  for (auto it = files_.begin(); it != files_.end();) {
    File& file = it->second;
    std::uint64_t position = file.ready_;
    while (!file.segments_.empty()) {
      const auto ticket = tickets_.find(file.segments_.front().ticket);
      if (ticket == tickets_.end() || !ticket->second.done || !ticket->second.delivered) break;
      position = file.segments_.front().end_offset;
      file.segments_.pop_front();
      release_segment(ticket);
    }
    file.ready_ = 0;
    if (position != 0) out.push_back(SourcePosition{it->first, position});
    it = file.segments_.empty() ? files_.erase(it) : std::next(it);
  }
  return out;
}

}  // namespace cw::app
