#pragma once
// FileSet: the log files of one folder being followed, matched by extension.
//
// rescan() opens files that appeared (resuming from their checkpoint) and marks
// files that left their path (rotated, deleted) as detached: those are read to
// their end and acknowledged before release() lets them go.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/logger.h"
#include "source/checkpoint_store.h"
#include "source/tailed_file.h"

namespace cw::source {

struct FileSetOptions {
  std::string directory;
  std::string extension;  // "log" matches "*.log"
  std::size_t max_line_bytes = 1'048'550;
};

class FileSet {
 public:
  FileSet(FileSetOptions options, const CheckpointStore& checkpoints, const Logger& log);

  // Returns false while the folder does not exist (the app may create it later).
  bool rescan();

  const std::vector<std::unique_ptr<TailedFile>>& files() const { return files_; }
  TailedFile* find(std::uint64_t id) const;

  // Closes detached files whose every line was read and acknowledged.
  void release_finished();

  // Positions to persist: acknowledged offsets of the files still tracked.
  std::vector<Checkpoint> checkpoints() const;

 private:
  FileSetOptions options_;
  const CheckpointStore& store_;
  const Logger& log_;
  std::vector<std::unique_ptr<TailedFile>> files_;
  std::uint64_t next_id_ = 1;
  bool reported_missing_ = false;
};

}  // namespace cw::source
