#include "source/file_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "source/remote_fs.h"

namespace cw::source {
namespace {

// "fs.inotify.max_user_watches=8192" for a log line ("fs.inotify.max_user_watches" if unreadable).
std::string sysctl_reading(const std::string& name) {
  std::string path = "/proc/sys/" + name;
  std::replace(path.begin(), path.end(), '.', '/');
  std::ifstream in(path);
  std::string value;
  return (in >> value) ? name + "=" + value : name;
}

}  // namespace

bool parse_watch_mode(std::string_view text, WatchMode& out) {
  if (text == "auto") out = WatchMode::kAuto;
  else if (text == "inotify") out = WatchMode::kInotify;
  else if (text == "poll") out = WatchMode::kPoll;
  else return false;
  return true;
}

FileWatcher::FileWatcher(WatchMode mode, const Logger& log) : log_(log), mode_(mode) {
  if (mode_ == WatchMode::kPoll) {
    log_.info("watching files by polling (WATCH_MODE=poll)");
    return;
  }
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ >= 0) return;
  if (errno == EMFILE) {
    // The per-user instance limit, not the descriptor limit: the sidecar
    // keeps working, at the cost of a stat per file per poll interval.
    log_.warn("out of inotify instances (" + sysctl_reading("fs.inotify.max_user_instances") +
              ", shared by every container of this user on the node): watching files by polling "
              "every POLL_INTERVAL_MS; raise it on the node with sysctl -w fs.inotify.max_user_instances=1024");
    return;
  }
  disable(std::string("inotify unavailable: ") + std::strerror(errno));
}

bool FileWatcher::watching(const std::string& dir) const {
  return fd_ >= 0 && std::any_of(watched_.begin(), watched_.end(), [&](const auto& w) { return w.second == dir; });
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWatcher::disable(const std::string& why) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  log_.info("watching files by polling: " + why);
}

void FileWatcher::watch(const std::string& dir) {
  if (fd_ < 0 || watching(dir)) return;
  if (mode_ == WatchMode::kAuto) {
    const std::string remote = remote_filesystem_name(dir);
    if (!remote.empty()) {
      disable(dir + " is on " + remote + ", where inotify misses other hosts' writes");
      return;
    }
  }
  const uint32_t events = IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CLOSE_WRITE |
                          IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
  const int wd = ::inotify_add_watch(fd_, dir.c_str(), events);
  const int error = errno;
  const auto refused = std::find(unwatched_.begin(), unwatched_.end(), dir);
  if (wd >= 0) {
    watched_.emplace_back(wd, dir);
    if (refused != unwatched_.end()) unwatched_.erase(refused);
    return;
  }
  if (error == ENOENT || error == ENOTDIR) return;  // vanished since it was listed: nothing to follow there
  const bool first = refused == unwatched_.end();
  if (first) unwatched_.push_back(dir);
  if (error == ENOSPC) {
    if (warned_watches_) return;
    warned_watches_ = true;
    log_.warn("out of inotify watches (" + sysctl_reading("fs.inotify.max_user_watches") + "): polling " + dir +
              " every POLL_INTERVAL_MS (and any other folder it cannot watch); raise it on the node with "
              "sysctl -w fs.inotify.max_user_watches=524288");
  } else if (first) {
    log_.warn("cannot watch " + dir + " with inotify (" + std::strerror(error) + "); polling it");
  }
}

void FileWatcher::retain(const std::vector<std::string>& dirs) {
  std::erase_if(unwatched_, [&](const std::string& dir) { return std::find(dirs.begin(), dirs.end(), dir) == dirs.end(); });
}

FileWatcher::Changes FileWatcher::consume() {
  Changes changes;
  if (fd_ < 0) return changes;
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n <= 0) break;  // EAGAIN: nothing more
    changes.any = true;
    for (ssize_t i = 0; i < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + i);
      if ((event->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |
                          IN_Q_OVERFLOW | IN_IGNORED)) != 0) {
        changes.structure = true;
      }
      if ((event->mask & (IN_MODIFY | IN_CLOSE_WRITE)) != 0 && event->len > 0) {
        const auto dir = std::find_if(watched_.begin(), watched_.end(),
                                      [&](const auto& w) { return w.first == event->wd; });
        if (dir != watched_.end()) changes.modified.push_back(dir->second + "/" + event->name);
      }
      if ((event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) watched_.clear();  // re-added on rescan
      i += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  std::sort(changes.modified.begin(), changes.modified.end());
  changes.modified.erase(std::unique(changes.modified.begin(), changes.modified.end()), changes.modified.end());
  return changes;
}

}  // namespace cw::source
