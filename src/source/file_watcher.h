#pragma once
// FileWatcher: tells the reader that something changed in the log folders, so
// it can sleep in poll() instead of waking on a timer.
//
// inotify on local filesystems. On network and FUSE filesystems (NFS, EFS,
// CIFS/SMB, FUSE, Ceph, 9p: detected with statfs) inotify does not see other
// hosts' writes, so the watcher turns itself off and the reader polls. Out of
// inotify instances (fs.inotify.max_user_instances, shared by every container
// of a user on a node) the watcher polls too; out of watches
// (fs.inotify.max_user_watches) the folders it could not watch are polled,
// and watching them is tried again at each scan. Each is logged once, with
// the sysctl to raise.

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

  // Forgets the refused folders not in `dirs` (the folders there are now).
  void retain(const std::vector<std::string>& dirs);

  bool active() const { return fd_ >= 0; }  // false: the reader must poll
  // Every folder given to watch() is watched: the reader need not poll.
  bool complete() const { return active() && unwatched_.empty(); }
  bool watching(const std::string& dir) const;
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
  std::vector<std::string> unwatched_;  // folders inotify_add_watch refused
  bool warned_watches_ = false;
};

}  // namespace cw::source
