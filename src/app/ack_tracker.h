#pragma once
// AckTracker: turns batch completions, which arrive in any order from several
// senders, into file positions that are safe to checkpoint. A position moves
// only over a contiguous run of delivered batches: if batch 7 is delivered
// before batch 6, nothing of 7 is acknowledged until 6 is. A batch interrupted
// by a hard stop blocks every later one for good (they are resent after the
// restart; duplicates are possible only for batches in flight at that moment).

#include <cstdint>
#include <deque>
#include <vector>

#include "common/source_position.h"

namespace cw::app {

class AckTracker {
 public:
  // Registers a batch about to be submitted; returns its sequence number.
  std::uint64_t add(const std::vector<SourcePosition>& sources, std::int64_t read_time_ms);
  void complete(std::uint64_t sequence, bool delivered);

  // Positions acknowledged since the last call, oldest first.
  std::vector<SourcePosition> take_acknowledged();

  bool idle() const { return pending_.empty(); }
  std::size_t pending() const { return pending_.size(); }
  std::int64_t oldest_read_time_ms() const { return pending_.empty() ? 0 : pending_.front().read_time_ms; }

 private:
  struct Pending {
    std::uint64_t sequence;
    std::vector<SourcePosition> sources;
    std::int64_t read_time_ms;
    bool done = false;
    bool delivered = false;
  };
  std::deque<Pending> pending_;
  std::uint64_t next_sequence_ = 1;
};

}  // namespace cw::app
