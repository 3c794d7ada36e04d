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

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/counters.h"
#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/file_watcher.h"
#include "source/glob.h"
#include "source/tailed_file.h"

namespace cw::source {

struct FileSetOptions {
  std::string directory;
  std::vector<std::string> include;  // globs relative to directory, e.g. "*.log", "**/*.log"
  std::vector<std::string> exclude;
  std::size_t max_line_bytes = 1'048'550;
  std::chrono::milliseconds flush_partial_after{0};  // 0: a line waits for its newline
  std::chrono::seconds rotated_max_age{0};           // 0: rotated files are always read to their end
  // A rotated file is let go only after it stopped growing for this long: a
  // writer may still append to it until it reopens its path.
  std::chrono::milliseconds rotated_quiet{5000};
};

class FileSet {
 public:
  FileSet(FileSetOptions options, const CheckpointStore& checkpoints, FileWatcher& watcher, Counters& counters,
          const Logger& log);

  // Returns false while the folder does not exist (the app may create it later).
  bool rescan();

  const std::vector<std::unique_ptr<TailedFile>>& files() const { return files_; }
  TailedFile* find(std::uint64_t id) const;

  // Handles a file truncated or rewritten in place: reads the copy logrotate
  // made of it from where reading stopped, then the file from its start.
  void handle_replaced(TailedFile& file);

  // Closes detached files whose every line was read and acknowledged (or that
  // outlived the rotated-file bound).
  void release_finished();

  // Positions to persist: acknowledged offsets of every file still open.
  std::vector<Checkpoint> checkpoints() const;
  std::uint64_t unacknowledged_bytes() const;

 private:
  struct Found {
    std::string path;
    std::string relative;
    std::uint64_t device;
    std::uint64_t inode;
    std::uint64_t size;
  };
  std::vector<Found> list_files() const;  // every regular file under the folder (matching or not)
  void list_dir(const std::string& dir, const std::string& relative, int depth, std::vector<Found>& out) const;
  // `id` 0: a new one. `acked`: where acknowledgements stand, when behind `offset`.
  void open_file(const Found& found, std::uint64_t offset, bool detached, std::uint64_t id = 0,
                 std::optional<std::uint64_t> acked = std::nullopt);
  void resume_rotated(const std::vector<Found>& all);

  FileSetOptions options_;
  GlobSet globs_;
  const CheckpointStore& store_;
  FileWatcher& watcher_;
  Counters& counters_;
  const Logger& log_;
  std::vector<std::unique_ptr<TailedFile>> files_;
  std::uint64_t next_id_ = 1;
  bool reported_missing_ = false;
  bool first_scan_ = true;
};

}  // namespace cw::source
