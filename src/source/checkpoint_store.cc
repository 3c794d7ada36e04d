#include "source/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace cw::source {
namespace {

constexpr std::string_view kHeader = "cw-sidecar checkpoints v1";

constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kLongestRetry{30'000};

// A system call on the state folder failed; `error` is its errno.
class StateError : public std::runtime_error {
 public:
  StateError(const std::string& what, int error) : std::runtime_error(what), error_(error) {}
  int error() const { return error_; }

 private:
  int error_;
};

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  const int error = errno;
  throw StateError(what + " " + path + ": " + std::strerror(error), error);
}

void make_dirs(const std::string& dir) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) fail("cannot create state folder", partial);
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) fail("cannot use state folder", dir);
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    fail("state folder is not a directory:", dir);
  }
}

std::string escape_path(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string unescape_path(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      out += text[i + 1] == 'n' ? '\n' : text[i + 1];
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void write_all(int fd, const std::string& data, const std::string& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

// What one state file holds. A file written by this version ends with
// "end <sequence>", so one cut short (a crash of the machine before its data
// reached the disk) is told from a whole one.
struct StateFile {
  bool exists = false;
  bool header_ok = false;
  bool complete = false;
  std::uint64_t sequence = 0;
  std::vector<Checkpoint> checkpoints;
};

constexpr std::string_view kTrailer = "end ";

StateFile read_state(const std::string& path) {
  StateFile state;
  std::ifstream in(path);
  if (!in) return state;
  state.exists = true;
  std::string line;
  if (!std::getline(in, line) || line != kHeader) return state;
  state.header_ok = true;
  while (std::getline(in, line)) {
    if (line.rfind(kTrailer, 0) == 0) {
      std::istringstream fields(line.substr(kTrailer.size()));
      state.complete = static_cast<bool>(fields >> state.sequence) && in.peek() == std::char_traits<char>::eof();
      if (state.complete) break;
      continue;
    }
    std::istringstream fields(line);
    Checkpoint cp;
    if (!(fields >> cp.device >> cp.inode >> cp.fingerprint.length >> std::hex >> cp.fingerprint.hash >> std::dec >>
          cp.offset)) {
      continue;  // a damaged line costs a re-read of that file, not the whole state
    }
    std::string rest;
    std::getline(fields, rest);
    if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    cp.path = unescape_path(rest);
    state.checkpoints.push_back(std::move(cp));
  }
  return state;
}

std::string serialize(const std::vector<Checkpoint>& checkpoints, std::uint64_t sequence) {
  std::ostringstream out;
  out << kHeader << '\n';
  for (const auto& cp : checkpoints) {
    out << cp.device << ' ' << cp.inode << ' ' << cp.fingerprint.length << ' ' << std::hex << cp.fingerprint.hash
        << std::dec << ' ' << cp.offset << ' ' << escape_path(cp.path) << '\n';
  }
  out << kTrailer << sequence << '\n';
  return out.str();
}

// Replaces `path` by rename. When `durable`, the data reaches the disk before
// the rename and the rename before returning (fsync of the folder).
void replace_file(const std::string& dir, const std::string& path, const std::string& text, bool durable) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  try {
    write_all(fd, text, tmp);
    if (durable && ::fsync(fd) != 0) fail("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
  if (!durable) return;
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);  // makes the rename durable; some filesystems refuse, which is harmless
    ::close(dir_fd);
  }
}

}  // namespace

CheckpointStore::CheckpointStore(std::string state_dir, std::chrono::milliseconds sync_interval,
                                 const MonotonicClock& clock)
    : dir_(std::move(state_dir)),
      path_(dir_ + "/checkpoints"),
      synced_path_(path_ + ".synced"),
      sync_interval_(sync_interval),
      clock_(clock) {
  make_dirs(dir_);
  StateFile latest = read_state(path_);
  StateFile synced = read_state(synced_path_);
  if (latest.complete || synced.complete) {
    StateFile& newer = !synced.complete || (latest.complete && latest.sequence >= synced.sequence) ? latest : synced;
    sequence_ = newer.sequence;
    checkpoints_ = std::move(newer.checkpoints);
  } else if (latest.exists) {
    // Written by a version before the trailer, or cut short with no synced
    // copy to fall back on: what it holds is still no further than accepted.
    if (!latest.header_ok) {
      throw std::runtime_error("unrecognised checkpoint file " + path_ + " (expected '" + std::string(kHeader) +
                               "')");
    }
    checkpoints_ = std::move(latest.checkpoints);
  }
}

std::optional<Checkpoint> CheckpointStore::find(std::uint64_t device, std::uint64_t inode) const {
  for (const auto& cp : checkpoints_) {
    if (cp.device == device && cp.inode == inode) return cp;
  }
  return std::nullopt;
}

void CheckpointStore::save(std::vector<Checkpoint> checkpoints) {
  // Saturates: a file that says the last number (damaged) must not make the
  // next save look older than it.
  if (sequence_ < std::numeric_limits<std::uint64_t>::max()) ++sequence_;
  checkpoints_ = std::move(checkpoints);
  const bool failing = !failure_.empty();
  if (failing && clock_.now() < retry_at_) return;  // kept in memory until the retry
  // After a failure nothing says what reached the disk: durably.
  write(failing);
}

void CheckpointStore::write(bool durable) {
  const std::string text = serialize(checkpoints_, sequence_);
  try {
    if (!failure_.empty()) make_dirs(dir_);  // it may have been removed
    if (sync_interval_.count() == 0) {
      replace_file(dir_, path_, text, true);
    } else {
      // The synced copy first: `checkpoints` never exists, cut short or not,
      // without a whole synced copy to fall back on.
      if (durable || !last_sync_ || clock_.now() >= *last_sync_ + sync_interval_) {
        write_synced(text);
      } else {
        sync_pending_ = true;
      }
      replace_file(dir_, path_, text, false);
    }
    failure_.clear();
    failure_errno_ = 0;
    backoff_ = kFirstRetry;
  } catch (const StateError& e) {
    failure_ = e.what();
    failure_errno_ = e.error();
    retry_at_ = clock_.now() + backoff_;
    backoff_ = std::min(backoff_ * 2, kLongestRetry);
  }
}

std::optional<CheckpointStore::time_point> CheckpointStore::sync_due() const {
  if (!failure_.empty()) return retry_at_;
  // A pending sync implies an earlier one: the first save syncs at once.
  if (!sync_pending_ || !last_sync_) return std::nullopt;
  return *last_sync_ + sync_interval_;
}

void CheckpointStore::sync() {
  if (!failure_.empty() || sync_pending_) write(true);
}

void CheckpointStore::write_synced(const std::string& text) {
  replace_file(dir_, synced_path_, text, true);
  sync_pending_ = false;
  last_sync_ = clock_.now();
}

}  // namespace cw::source
