#pragma once
// CheckpointStore: per file, how far CloudWatch has accepted every line.
//
// A file is known by device + inode and a fingerprint of its first bytes, so a
// reused inode is not mistaken for the file it replaced.
//
// Reaching the disk (fsync) is what costs: with a sync interval, a save is
// made durable at most that often, as a second file `checkpoints.synced`
// replaced by rename and fdatasync'ed. Between those, every save() rewrites
// the state file `checkpoints` in place (one pwrite: no new file, rename or
// journal entry per acknowledged batch). Each file ends with a hash of its
// content, so one cut short or written in part (a crash of the machine, or
// of the process in the middle of a write) is told from a whole one, and the
// newer whole one of the two is used: the positions are at most one
// interval old, which repeats lines, never loses any. The first save of a
// run is always made durable: nothing was synced yet, whatever the clock
// reads. With no sync interval, every save replaces `checkpoints` by rename
// and fdatasync.
//
// A write that fails (a full or read-only file system, a quota, an I/O
// error, the folder removed or replaced) does not throw: the positions stay
// in memory, failure() says why, and sync() (due at sync_due(), with a
// backoff from 100 ms doubling to 30 s) or a save() after that time writes
// them again, re-creating the folder if it went. The first write that
// succeeds after a failure is durable.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "source/fingerprint.h"

namespace cw::source {

struct Checkpoint {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  Fingerprint fingerprint;
  std::uint64_t offset = 0;  // every line before it was accepted
  std::string path;          // for people reading the file; identity is device+inode+fingerprint
};

class CheckpointStore {
 public:
  using time_point = MonotonicClock::time_point;

  // Creates `state_dir` if needed; reads the existing state. Throws
  // std::runtime_error with the path when the folder cannot be used. With a
  // zero `sync_interval` every save is durable before it returns. `clock`
  // times the sync interval and must outlive the store.
  explicit CheckpointStore(std::string state_dir,
                           std::chrono::milliseconds sync_interval = std::chrono::milliseconds(0),
                           const MonotonicClock& clock = cw::steady_clock());
  ~CheckpointStore();
  CheckpointStore(const CheckpointStore&) = delete;
  CheckpointStore& operator=(const CheckpointStore&) = delete;

  std::optional<Checkpoint> find(std::uint64_t device, std::uint64_t inode) const;
  // Replaces the whole set (files no longer tracked are pruned) and persists
  // it; durably too when the last durable save is a sync interval old. While
  // failing, before the retry is due, it only keeps the set in memory.
  void save(std::vector<Checkpoint> checkpoints);
  // When the last save is still to be made durable (or, while failing, to be
  // written at all); nullopt if it is.
  std::optional<time_point> sync_due() const;
  // Makes the last save durable now (if it is not yet); while failing, tries
  // to write it now, whatever the backoff.
  void sync();
  // Why the last write failed ("cannot write <path>: No space left on
  // device"), and its errno; empty and 0 while writes succeed.
  const std::string& failure() const { return failure_; }
  int failure_errno() const { return failure_errno_; }
  const std::vector<Checkpoint>& all() const { return checkpoints_; }
  const std::string& path() const { return path_; }

 private:
  void write_synced(const std::string& text);  // `text`: the last save's
  // Writes the set (`durable`: the synced copy too); a failure is recorded,
  // not thrown.
  void write(bool durable);
  void write_in_place(const std::string& text);  // `checkpoints`, kept open
  void close_in_place();

  std::string dir_;
  std::string path_;
  std::string synced_path_;
  std::chrono::milliseconds sync_interval_;
  const MonotonicClock& clock_;
  std::vector<Checkpoint> checkpoints_;
  std::uint64_t sequence_ = 0;  // of the last save; written in both files
  bool sync_pending_ = false;
  std::optional<time_point> last_sync_;  // none yet this run
  std::string failure_;
  int failure_errno_ = 0;
  time_point retry_at_{};
  std::chrono::milliseconds backoff_{100};
  int fd_ = -1;  // of `checkpoints`, once written in place
  std::uint64_t size_in_place_ = 0;
};

}  // namespace cw::source
