#pragma once
// AckTracker: how far each file is safe to checkpoint, as the batches that
// hold its lines complete, in any order, from several senders.
//
// A file's lines may go to several batches (one per destination). For each
// file the tracker keeps, in read order, the runs of its lines that went to
// one batch (segments); the file's position moves over its first segments
// only as each of their batches is delivered: if lines 1 and 3 went to batch
// A and line 2 to batch B, A's delivery moves the position past line 1, and
// B's then past line 3. A line without events (empty, set aside) moves with
// the segment before it, or at once when nothing of the file is pending. A
// batch interrupted by a hard stop holds back its files for good (their
// lines are resent after the restart; duplicates are possible only for the
// batches in flight at that moment). Not thread-safe: the reading thread's.

#include <cstdint>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "common/source_position.h"

namespace cw::app {

class AckTracker {
 public:
  class File {
   public:
    // An event of the line that starts at `line_start` went into the batch
    // `ticket`.
    void sent(std::uint64_t ticket, std::uint64_t line_start) {
      if (segments_.empty() || segments_.back().ticket != ticket) start_segment(ticket, line_start);
    }
    // The line that ends at `end_offset` was read whole, and each of its
    // events was sent().
    void line_done(std::uint64_t end_offset) {
      if (segments_.empty()) {
        ready_ = end_offset;
      } else {
        segments_.back().end_offset = end_offset;
      }
    }

   private:
    friend class AckTracker;
    struct Segment {
      std::uint64_t ticket;
      std::uint64_t end_offset;
    };
    explicit File(AckTracker& tracker) : tracker_(tracker) {}
    void start_segment(std::uint64_t ticket, std::uint64_t end_offset);

    AckTracker& tracker_;
    std::deque<Segment> segments_;
    std::uint64_t ready_ = 0;  // acknowledged, not yet taken (0: none)
  };

  // A batch about to be filled, read from at `read_time_ms`; its ticket.
  std::uint64_t open(std::int64_t read_time_ms);
  // The file's record; stays valid until the next take_acknowledged().
  File& file(std::uint64_t file_id);
  void complete(std::uint64_t ticket, bool delivered);

  // Positions acknowledged since the last call: the furthest of each file.
  std::vector<SourcePosition> take_acknowledged();

  bool idle() const { return tickets_.empty(); }
  std::size_t pending() const { return tickets_.size(); }  // batches open, in flight or interrupted
  std::int64_t oldest_read_time_ms() const { return tickets_.empty() ? 0 : tickets_.begin()->second.read_time_ms; }

 private:
  struct Ticket {
    std::int64_t read_time_ms;
    std::size_t segments = 0;  // of files, not yet taken
    bool done = false;
    bool delivered = false;
  };
  void release_segment(std::map<std::uint64_t, Ticket>::iterator ticket);

  std::map<std::uint64_t, Ticket> tickets_;  // in the order opened
  std::unordered_map<std::uint64_t, File> files_;
  std::uint64_t next_ticket_ = 1;
};

}  // namespace cw::app
