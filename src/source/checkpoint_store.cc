#include "source/checkpoint_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "common/read_file.h"

namespace cw::source {
namespace {

constexpr std::string_view kHeader = "cw-sidecar checkpoints v1";

constexpr std::chrono::milliseconds kFirstRetry{100};
constexpr std::chrono::milliseconds kLongestRetry{30'000};

// A system call on the state folder failed: "<what> <path>: <strerror>",
// with the errno as the code.
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

// Makes the names in `dir` durable (a rename, a new entry). Some file
// systems cannot sync a folder (EINVAL), which is harmless.
void sync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("cannot open state folder", dir);
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int error = errno;
  ::close(fd);
  if (!synced) {
    errno = error;
    fail("cannot fsync state folder", dir);
  }
}

void make_dirs(const std::string& dir) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    const std::string parent = !partial.empty() ? partial : dir.starts_with('/') ? "/" : ".";
    partial = dir.substr(0, pos);
    if (partial.empty()) continue;
    if (::mkdir(partial.c_str(), 0755) == 0) {
      sync_folder(parent);  // a crash of the machine must not lose the new folder with what it will hold
    } else if (errno != EEXIST) {
      fail("cannot create state folder", partial);
    }
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

// Writes all of `data` at `offset` (pwrite) or at the current position.
void write_all(int fd, std::string_view data, const std::string& path, std::optional<off_t> offset = std::nullopt) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = offset ? ::pwrite(fd, data.data() + done, data.size() - done, *offset + static_cast<off_t>(done))
                             : ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

// What one state file holds. This version's files say so on their second
// line ("hashed", which older versions skip as a damaged line, so they still
// read these files) and end with "end <sequence> <16 hex digits>", the FNV-1a
// hash of every byte before that line: a file cut short or rewritten in place
// only in part is told from a whole one, and bytes after a whole trailer (a
// longer version's tail, not yet truncated) are ignored. Only a file without
// the marker, written by an older version by rename, may end with
// "end <sequence>": whole when that line is its last.
struct StateFile {
  bool exists = false;
  bool header_ok = false;
  bool hashed = false;
  bool complete = false;
  std::uint64_t sequence = 0;
  std::vector<Checkpoint> checkpoints;
};

constexpr std::string_view kTrailer = "end ";
constexpr std::string_view kHashedMarker = "hashed";

// "<decimal>" (no hash) or "<decimal> <16 hex digits>", nothing else.
bool parse_trailer(std::string_view rest, std::uint64_t& sequence, std::optional<std::uint64_t>& hash) {
  const char* end = rest.data() + rest.size();
  const auto [after_sequence, ec] = std::from_chars(rest.data(), end, sequence);
  if (ec != std::errc() || after_sequence == rest.data()) return false;
  if (after_sequence == end) {
    hash.reset();
    return true;
  }
  const std::string_view digits(after_sequence, static_cast<std::size_t>(end - after_sequence));
  if (digits.size() != 17 || digits.front() != ' ') return false;
  std::uint64_t value = 0;
  const auto [after_hash, hash_ec] = std::from_chars(digits.data() + 1, end, value, 16);
  if (hash_ec != std::errc() || after_hash != end) return false;
  hash = value;
  return true;
}

StateFile read_state(const std::string& path) {
  StateFile state;
  const std::optional<std::string> read = read_file(path);
  if (!read) return state;
  const std::string& text = *read;
  state.exists = true;
  std::size_t pos = 0;
  const auto next_line = [&](std::string_view& line) {
    if (pos >= text.size()) return false;
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) {
      line = std::string_view(text).substr(pos);
      pos = text.size();
    } else {
      line = std::string_view(text).substr(pos, end - pos);
      pos = end + 1;
    }
    return true;
  };
  std::string_view line;
  if (!next_line(line) || line != kHeader) return state;
  state.header_ok = true;
  const std::size_t after_header = pos;
  if (next_line(line) && line == kHashedMarker) {
    state.hashed = true;
  } else {
    pos = after_header;
  }
  for (std::size_t line_start = pos; next_line(line); line_start = pos) {
    if (line.starts_with(kTrailer)) {
      std::uint64_t sequence = 0;
      std::optional<std::uint64_t> hash;
      if (!parse_trailer(line.substr(kTrailer.size()), sequence, hash)) continue;
      if (state.hashed) {
        state.complete = hash && *hash == fnv1a(std::string_view(text).substr(0, line_start));
      } else {
        state.complete = !hash && pos == text.size();
      }
      if (state.complete) {
        state.sequence = sequence;
        break;
      }
      continue;
    }
    std::istringstream fields{std::string(line)};
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
  out << kHeader << '\n' << kHashedMarker << '\n';
  for (const auto& cp : checkpoints) {
    out << cp.device << ' ' << cp.inode << ' ' << cp.fingerprint.length << ' ' << std::hex << cp.fingerprint.hash
        << std::dec << ' ' << cp.offset << ' ' << escape_path(cp.path) << '\n';
  }
  std::string text = std::move(out).str();
  const std::uint64_t hash = fnv1a(text);
  std::ostringstream trailer;
  trailer << kTrailer << sequence << ' ' << std::hex << std::setw(16) << std::setfill('0') << hash << '\n';
  return text + trailer.str();
}

// Replaces `path` by rename. When `durable`, the data reaches the disk before
// the rename and the rename before returning (fsync of the folder).
void replace_file(const std::string& dir, const std::string& path, const std::string& text, bool durable) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  try {
    write_all(fd, text, tmp);
    // fdatasync: a new file's size is part of what it flushes.
    if (durable && ::fdatasync(fd) != 0) fail("cannot fsync", tmp);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("cannot rename into", path);
  if (durable) sync_folder(dir);
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
    if (!latest.header_ok) {
      throw std::runtime_error("unrecognised checkpoint file " + path_ + " (expected '" + std::string(kHeader) +
                               "')");
    }
    // Written by a version before the trailer, by rename: what it holds is
    // no further than accepted. A hashed file that is not whole (and no
    // whole synced copy) says nothing: its lines may be spliced from two
    // versions, and the files are read again from where nothing says.
    if (!latest.hashed) checkpoints_ = std::move(latest.checkpoints);
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
      write_in_place(text);
    }
    failure_.clear();
    failure_errno_ = 0;
    backoff_ = kFirstRetry;
  } catch (const std::system_error& e) {
    close_in_place();  // the folder may be another one by the retry
    failure_ = e.what();
    failure_errno_ = e.code().value();
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

CheckpointStore::~CheckpointStore() { close_in_place(); }

void CheckpointStore::write_in_place(const std::string& text) {
  // Removed (with its folder, say): writing on would go nowhere. A folder
  // replaced whole shows at the next write of the synced copy.
  if (struct stat st {}; fd_ >= 0 && ::fstat(fd_, &st) == 0 && st.st_nlink == 0) close_in_place();
  if (fd_ < 0) {
    // The first write of a run (or after a failure) replaces the file whole:
    // what is there may be of the older format, whose trailer has no hash,
    // and a write in part over it could pass for a whole file.
    replace_file(dir_, path_, text, false);
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) fail("cannot open", path_);
    size_in_place_ = text.size();
    return;
  }
  write_all(fd_, text, path_, 0);
  // A longer tail left behind is ignored by the loader (the trailer's hash
  // ends the file), so the truncation only tidies.
  if (text.size() < size_in_place_ && ::ftruncate(fd_, static_cast<off_t>(text.size())) != 0) {
    fail("cannot truncate", path_);
  }
  size_in_place_ = text.size();
}

void CheckpointStore::close_in_place() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void CheckpointStore::write_synced(const std::string& text) {
  replace_file(dir_, synced_path_, text, true);
  sync_pending_ = false;
  last_sync_ = clock_.now();
}

}  // namespace cw::source
