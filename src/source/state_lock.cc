#include "source/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace cw::source {
namespace {

std::string serialize(const LockHolder& me) {
  return "pid " + std::to_string(me.pid) + "\nhost " + me.host + "\nsince " + me.since + "\n";
}

}  // namespace

std::string LockHolder::describe() const {
  if (pid == 0) return "an unknown process";
  return "pid " + std::to_string(pid) + (host.empty() ? "" : " on host " + host) +
         (since.empty() ? "" : " since " + since);
}

StateLock::StateLock(const std::string& state_dir) : dir_(state_dir), path_(state_dir + "/lock") {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);  // drops the lock
}

LockOutcome StateLock::try_take(const LockHolder& me) {
  int rc = 0;
  do {
    rc = ::flock(fd_, LOCK_EX | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    if (errno == EWOULDBLOCK) return LockOutcome::kHeld;
    if (errno == ENOLCK || errno == EOPNOTSUPP || errno == EINVAL || errno == ENOSYS) return LockOutcome::kUnsupported;
    throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(errno));
  }
  // For whoever waits next: who holds it. A failure here (a full file
  // system) costs only that message, not the lock: a restart would not mend it.
  const std::string text = serialize(me);
  unwritten_.clear();
  if (::ftruncate(fd_, 0) != 0) {
    unwritten_ = "cannot write " + path_ + ": " + std::strerror(errno);
  } else if (const ssize_t n = ::pwrite(fd_, text.data(), text.size(), 0); n != static_cast<ssize_t>(text.size())) {
    unwritten_ = "cannot write " + path_ + ": " + (n < 0 ? std::strerror(errno) : "written in part (disk full?)");
  }
  return LockOutcome::kTaken;
}

std::optional<LockHolder> StateLock::holder() const {
  char buffer[512];
  const ssize_t n = ::pread(fd_, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return std::nullopt;
  std::istringstream in(std::string(buffer, static_cast<std::size_t>(n)));
  LockHolder holder;
  std::string key;
  while (in >> key) {
    if (key == "pid") in >> holder.pid;
    else if (key == "host") in >> holder.host;
    else if (key == "since") in >> holder.since;
    else break;
  }
  if (holder.pid <= 0) return std::nullopt;
  return holder;
}

}  // namespace cw::source
