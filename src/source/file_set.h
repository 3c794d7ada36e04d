#pragma once
// FileSet: the log files being followed, found by glob patterns under one folder.
//
// rescan() opens files that appeared (resuming from their checkpoint) and marks
// files that left their path (rotated, deleted) as detached: those are read to
// their end and acknowledged before release_finished() lets them go, unless a
// rotated-file age bound releases them earlier (what that abandons is counted
// and logged). The first scan also finds files rotated while the sidecar was
// down: a checkpoint whose inode now has another name in the same folder is
// resumed under that name. A file truncated in place (copytruncate) is read
// again from the start, and the copy logrotate made of it, when it is found by
// its first bytes, is read from where the original was left.
//
// Descriptors are budgeted (`max_open_files`): files beyond it are tracked by
// identity and acknowledged offset (a Checkpoint) without a descriptor, and
// take turns. A file with unread bytes gets a descriptor before one that is
// caught up, which gives its descriptor back; a detached file, or one with
// lines not yet acknowledged, keeps its own (a rotated or deleted file cannot
// be opened again). A caught-up file quiet for `close_inactive` is closed too.
// A closed file is checked at each scan: grown, it is reopened at its offset
// (from 0 when its first bytes changed); renamed away, it is read to its end
// as a rotated file; deleted, it is dropped (what it had unread is counted as
// abandoned). Running out of descriptors (EMFILE, ENFILE) is never taken for
// a rotation or a deletion: it is warned about once and retried.
//
// Quiet files cost nothing: a scan marks `due` the open files whose size
// changed, the watcher the ones written to (mark_changed), and the reader
// reads only those. What the loop asks at each wake (anything to read, a
// timer running, the backlog, a file to release or close) is answered from a
// summary of the open files, taken in one pass only after something could
// have changed it: a scan, a watcher event, an acknowledgement, or the reader
// (read()). A wake that finds nothing changed costs no pass over the files.
// With every folder watched, scans follow the watcher's
// structure events, and a safety_check() stands in for the periodic scan: it
// compares each folder's modification time with the one last seen, and reads
// names and inode numbers (no stat per file) only when a time moved or once
// after a listing.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/message_limit.h"
#include "common/clock.h"
#include "common/counters.h"
#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/file_watcher.h"
#include "source/glob.h"
#include "source/tailed_file.h"

namespace cw::source {

struct FileSetOptions {
  std::string directory;
  // Of each source: a file is followed when one of them matches its path
  // relative to directory.
  std::vector<GlobSet> sources;
  bool report_unmatched = false;  // log once a file that no source matches
  std::size_t max_line_bytes = kMaxMessageBytes;
  std::chrono::milliseconds flush_partial_after{0};  // 0: a line waits for its newline
  std::chrono::seconds rotated_max_age{0};           // 0: rotated files are always read to their end
  // A rotated file is let go only after it stopped growing for this long: a
  // writer may still append to it until it reopens its path.
  std::chrono::milliseconds rotated_quiet{5000};
  std::size_t max_open_files = 0;          // descriptors for log files; 0: no budget
  std::chrono::seconds close_inactive{0};  // a caught-up file quiet this long is closed; 0: never
};

class FileSet {
 public:
  FileSet(FileSetOptions options, const CheckpointStore& checkpoints, FileWatcher& watcher, Counters& counters,
          const Logger& log, const MonotonicClock& clock = cw::steady_clock());

  // Returns false while the folder does not exist (the app may create it later).
  bool rescan();

  // Open files, the ones that can be read now. Whoever reads them or moves
  // their offsets calls read() (or acknowledge()) afterwards.
  const std::vector<std::unique_ptr<TailedFile>>& files() const { return files_; }
  TailedFile* find(std::uint64_t id) const;
  // Whether an open file is due or detached: worth a look by the reader.
  bool wants_reading() const { return summary().reading; }
  // The reader read lines: the files' due and partial-line state moved.
  void read() { summary_stale_ = true; }
  // CloudWatch accepted file `id` up to `offset`; returns by how many bytes
  // that moved its acknowledged offset (0 for a file let go).
  std::uint64_t acknowledge(std::uint64_t id, std::uint64_t offset);

  // Handles a file truncated or rewritten in place: reads the copy logrotate
  // made of it from where reading stopped, then the file from its start.
  void handle_replaced(TailedFile& file);

  // Closes detached files whose every line was read and acknowledged (or that
  // outlived the rotated-file bound).
  void release_finished();

  // Positions to persist: acknowledged offsets of every file tracked, open or not.
  std::vector<Checkpoint> checkpoints() const;
  // Bytes on disk past the acknowledged offsets, open or closed, as of the
  // last look at each file (no system call).
  std::uint64_t backlog_bytes() const;

  // The watcher saw writes to `paths`: the open files there become due. True
  // when one of them is a closed file, which only a rescan opens again.
  bool mark_changed(const std::vector<std::string>& paths);
  // Between rescans, while every folder is watched: closes inactive files and
  // stats the folders listed (one stat each, however many files they hold).
  // When a folder's time moved, or at the first check a second or more after
  // the times were read (a name created in the same clock tick as that read
  // leaves the time as it was), it also compares the names and inode numbers
  // (readdir, no stat) with what is tracked. True when they differ (an event
  // was missed): a rescan is needed.
  bool safety_check();
  // A detached file, or a partial line waiting for its flush: the reader
  // should look again within a poll interval even if nothing changes.
  bool wants_timed_look() const { return summary().timed; }
  // Files with unread bytes that wait for a descriptor: the caller should
  // rescan soon (at the poll interval), as that is when turns are given.
  bool waiting_for_descriptors() const { return waiting_with_data_; }
  std::size_t closed_files() const { return closed_.size(); }

 private:
  // What the loop asks of the open files at every wake, from one pass.
  struct Summary {
    bool reading = false;   // one is due or detached
    bool timed = false;     // one is detached, or has a partial line waiting for its flush
    bool detached = false;
    std::uint64_t backlog = 0;  // bytes past the acknowledged offsets, open or closed
    // The earliest last change of a file that looked caught up (no stat):
    // no file can be closed for inactivity before this plus close_inactive.
    MonotonicClock::time_point quiet_since = MonotonicClock::time_point::max();
  };
  const Summary& summary() const;

  struct Found {
    std::string path;
    bool shipped;  // the globs match its name
    std::uint64_t device;
    std::uint64_t inode;
    std::uint64_t size;
  };
  struct Identity {
    std::uint64_t device;
    std::uint64_t inode;
    bool operator==(const Identity&) const = default;
  };
  struct IdentityHash {
    std::size_t operator()(const Identity& id) const { return id.inode * 0x9E3779B97F4A7C15ULL ^ id.device; }
  };
  // The files of a listing by identity, a shipped name first (hard links).
  using ByIdentity = std::unordered_map<Identity, const Found*, IdentityHash>;
  // A file tracked without a descriptor: where it stands, and its identity
  // (device, inode, first bytes).
  struct Closed {
    Checkpoint at;
    std::uint64_t size = 0;  // at the last scan
    bool rotated = false;    // found only under a name the globs do not match: read it to its end
  };
  enum class Opened { kYes, kNoDescriptor, kFailed };
  // A folder as its listing found it: a create, rename or delete in it
  // changes its modification time.
  struct Folder {
    std::string path;
    std::uint64_t device;
    std::uint64_t inode;
    std::int64_t mtime_ns;
  };

  // Every regular file under the folder (matching or not), sorted by path.
  // False when a folder could not be read for lack of descriptors: the list
  // is then incomplete, and a file missing from it has not moved.
  bool list_files(std::vector<Found>& out);
  bool list_dir(const std::string& dir, const std::string& relative, int depth, std::vector<Found>& out,
                std::vector<Folder>& folders);
  // Opens `found` at `offset`, or at 0 when it no longer starts with `expect`
  // (an inode reused for another file). `id` 0: a new one. `acked`: where
  // acknowledgements stand, when behind `offset`.
  Opened open_file(const Found& found, std::uint64_t offset, const Fingerprint* expect, bool detached,
                   std::uint64_t id = 0, std::optional<std::uint64_t> acked = std::nullopt);
  // Opens `found` when the budget has room, else tracks it closed at `at`.
  void track(const Found& found, const Checkpoint& at, bool detached);
  void resume_rotated(const std::vector<Found>& all);
  // Whether the file at `path` starts with `fp` (false when it vanished).
  bool starts_with(const std::string& path, const Fingerprint& fp) const;
  // The copy a copytruncate made of content that starts with `fp`: a file not
  // tracked, longer than `past`, with those first bytes (under a name the
  // globs do not match, when `rotated_names_only`). Null when there is none.
  const Found* find_copy(const Fingerprint& fp, std::uint64_t past, const std::vector<Found>& all,
                         bool rotated_names_only) const;
  // Reads the rest of what `cp` names from its copy under a rotated name;
  // returns the copy, or null when there is none.
  const Found* read_copy(const Checkpoint& cp, const std::vector<Found>& all);
  void report_unmatched(const std::string& path);
  void detach_missing(const ByIdentity& listed, bool complete);
  void follow_closed(const ByIdentity& listed, bool complete);  // renames, rotations, deletions
  std::size_t close_inactive();  // how many it closed
  void take_turns(const std::vector<Found>& all);  // descriptors to closed files with unread bytes
  std::size_t descriptors_to_spare() const;
  bool has_descriptor_to_spare() const { return descriptors_to_spare() > 0; }
  void close_caught_up(std::size_t count);  // those quiet longest first
  void close(std::size_t index);  // files_[index], caught up, becomes a Closed
  bool caught_up(TailedFile& file) const;
  bool known(std::uint64_t device, std::uint64_t inode) const;
  void out_of_descriptors(const std::string& what);
  // Whether the shipped names under `dir`, and their inode numbers, are all in
  // by_path_ (`matched` counts them).
  bool names_match(const std::string& dir, const std::string& relative, int depth, std::size_t& matched) const;
  void index_paths();  // by_path_ from files_ and closed_

  FileSetOptions options_;
  AnyGlobSet globs_;
  std::unordered_set<std::string> unmatched_reported_;
  const CheckpointStore& store_;
  FileWatcher& watcher_;
  Counters& counters_;
  const Logger& log_;
  const MonotonicClock& clock_;
  std::vector<std::unique_ptr<TailedFile>> files_;
  std::vector<Closed> closed_;
  // Files at their shipped names, open (file set) or closed, by path.
  struct AtPath {
    TailedFile* open;  // null: closed
    std::uint64_t inode;
  };
  std::unordered_map<std::string, AtPath> by_path_;
  std::vector<Folder> folders_;  // as the last listing or safety check found them
  MonotonicClock::time_point stamped_at_{};  // when their times were read
  bool names_checked_ = false;   // a second or more after that
  mutable Summary summary_;
  mutable bool summary_stale_ = true;
  bool waiting_with_data_ = false;
  bool warned_budget_ = false;
  bool warned_out_of_descriptors_ = false;
  std::uint64_t next_id_ = 1;
  bool reported_missing_ = false;
  bool first_scan_ = true;
};

}  // namespace cw::source
