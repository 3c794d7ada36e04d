#pragma once
// StateLock: one owner per STATE_DIR.
//
// Two sidecars on one state dir (a start-first rolling update, a copy started
// by hand) would both read the same checkpoints and ship every line twice,
// and race each other's renames. The owner holds an flock() on
// `<state_dir>/lock`: the kernel drops it when the process dies, SIGKILL
// included, so a lock is never left behind. The file itself is never removed
// or replaced (a new inode would be a second lock); it names the holder (pid,
// host, since when) for the message of whoever waits.
//
// Take the lock before reading any checkpoint, and keep this object until the
// last checkpoint is written.

#include <optional>
#include <string>

namespace cw::source {

struct LockHolder {
  long pid = 0;
  std::string host;
  std::string since;  // ISO 8601, UTC
  std::string describe() const;  // "pid 12 on host h since 2026-...", or "an unknown process"
};

enum class LockOutcome {
  kTaken,        // ours now
  kHeld,         // another process holds it: try again later
  kUnsupported,  // the file system cannot lock (some NFS mounts); nothing is ours
};

class StateLock {
 public:
  // Opens (creating) `<state_dir>/lock`; the folder must exist. Throws
  // std::runtime_error with the path when it cannot.
  explicit StateLock(const std::string& state_dir);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  // Does not wait. On kTaken, writes `me` into the lock file; when that
  // fails (a full file system) the lock is ours all the same, and
  // unwritten() says why the file does not name us.
  LockOutcome try_take(const LockHolder& me);
  const std::string& unwritten() const { return unwritten_; }
  // What the lock file says of its holder (the last one to take it).
  std::optional<LockHolder> holder() const;
  const std::string& path() const { return path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  std::string unwritten_;
};

}  // namespace cw::source
