#pragma once
// FileWatcher: tells the reader that something changed in the log folders, so
// it can sleep in poll() instead of waking on a timer.
//
// inotify on local filesystems. On network and FUSE filesystems (NFS, EFS,
// CIFS/SMB, FUSE, Ceph, 9p: detected with statfs) inotify does not see other
// hosts' writes, so the watcher turns itself off and the reader polls; the
// reader also polls as a safety net in inotify mode, less often.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/logger.h"

namespace cw::source {

enum class WatchMode { kAuto, kInotify, kPoll };

// "auto", "inotify", "poll"; false for anything else.
bool parse_watch_mode(std::string_view text, WatchMode& out);

class FileWatcher {
 public:
  FileWatcher(WatchMode mode, const Logger& log);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Watches `dir` (idempotent). In auto mode the first folder on a remote
  // filesystem switches the watcher to polling, with one log line.
  void watch(const std::string& dir);

  bool active() const { return fd_ >= 0; }  // false: the reader must poll
  int fd() const { return fd_; }            // for poll(); -1 when not active

  struct Changes {
    bool any = false;
    bool structure = false;  // files created, moved or deleted: rescan the folders
    std::vector<std::string> modified;  // paths written to, once each
  };
  Changes consume();  // reads every pending event

 private:
  void disable(const std::string& why);

  const Logger& log_;
  WatchMode mode_;
  int fd_ = -1;
  std::vector<std::pair<int, std::string>> watched_;  // watch descriptor, folder
};

}  // namespace cw::source
