#include "source/tailed_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "common/utf8.h"

namespace cw::source {
namespace {

// Below glibc's mmap threshold, so the buffer a file gets again after being
// released comes from the heap without a system call.
constexpr std::size_t kReadChunk = 64 * 1024;

// Unfinished last lines up to this size are read again rather than kept.
constexpr std::size_t kReadAgainBytes = 4096;

}  // namespace

TailedFile::TailedFile(std::uint64_t id, std::string path, std::size_t max_line_bytes,
                       std::chrono::milliseconds flush_partial_after, const MonotonicClock& clock)
    : id_(id),
      path_(std::move(path)),
      max_line_bytes_(max_line_bytes),
      flush_partial_after_(flush_partial_after),
      clock_(&clock),
      last_change_(clock.now()) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const int error = errno;
    throw OpenError("cannot open " + path_ + ": " + std::strerror(error), error);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot stat " + path_ + ": " + std::strerror(errno));
  }
  device_ = st.st_dev;
  inode_ = st.st_ino;
  fingerprint_ = fingerprint_of(fd_);
  last_size_ = static_cast<std::uint64_t>(st.st_size);
  known_size_ = last_size_;
}

TailedFile::~TailedFile() {
  if (fd_ >= 0) ::close(fd_);
}

void TailedFile::seek(std::uint64_t offset) {
  known_size_ = size_on_disk();
  if (offset > known_size_) offset = 0;
  file_offset_ = offset;
  acked_offset_ = offset;
  begin_ = end_ = 0;
  split_part_ = 0;
  partial_seen_ = 0;
}

std::uint64_t TailedFile::size_on_disk() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

Fingerprint TailedFile::fingerprint() {
  // Grows with the file, but only while the file still starts with the bytes
  // it was taken from: after a copytruncate it must keep naming the old
  // content, which is how handle_replaced() finds the copy.
  // Only a file that grew past its fingerprint is read: a checkpoint save
  // costs a quiet file nothing.
  if (fingerprint_.length < kFingerprintBytes && known_size_ > fingerprint_.length && starts_with(fingerprint_)) {
    fingerprint_ = fingerprint_of(fd_);
  }
  return fingerprint_;
}

bool TailedFile::starts_with(const Fingerprint& fp) const {
  return fp.length == 0 || fingerprint_of(fd_, fp.length) == fp;
}

bool TailedFile::was_replaced_in_place() {
  const std::uint64_t size = size_on_disk();
  known_size_ = size;
  if (size < read_offset()) return true;
  if (size == last_size_) return false;
  last_size_ = size;
  last_change_ = clock_->now();
  // Grown: normally appended to, but a copytruncate followed by new writes
  // larger than what was read shows only as other first bytes.
  return fingerprint_.length > 0 && !starts_with(fingerprint_);
}

void TailedFile::restart(std::uint64_t new_id) {
  id_ = new_id;
  seek(0);
  fingerprint_ = fingerprint_of(fd_);
  last_size_ = known_size_;  // seek() just read it
  due = true;
}

bool TailedFile::fill() {
  if (begin_ > 0) {
    // Keep the unfinished line at the front so the buffer never grows past
    // max_line_bytes plus one chunk.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    file_offset_ += begin_;
    begin_ = 0;
  }
  if (end_ == 0 && buffer_.size() > 4 * kReadChunk) buffer_ = std::vector<char>();  // after a huge line
  if (buffer_.size() - end_ < kReadChunk / 2) {
    buffer_.resize(std::max(buffer_.size() * 2, end_ + kReadChunk));
  }
  for (;;) {
    const ssize_t n = ::pread(fd_, buffer_.data() + end_, buffer_.size() - end_,
                              static_cast<off_t>(file_offset_ + end_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) known_size_ = file_offset_ + end_;
      return false;
    }
    end_ += static_cast<std::size_t>(n);
    known_size_ = std::max(known_size_, file_offset_ + end_);
    return true;
  }
}

std::optional<Line> TailedFile::next_line(bool flush_partial) {
  std::size_t scanned = begin_;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    // memchr must not see the null data() of a released buffer, even for 0 bytes.
    const void* nl = end_ > scanned ? std::memchr(buffer_.data() + scanned, '\n', end_ - scanned) : nullptr;
    if (nl != nullptr) {
      const auto length = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      if (length <= max_line_bytes_) return take(length, length + 1);
    }
    if (end_ - begin_ > max_line_bytes_) return take(utf8_cut(start, max_line_bytes_), 0);
    const std::size_t pending = end_ - begin_;
    if (!fill()) break;
    scanned = begin_ + pending;  // bytes already searched hold no newline
  }
  // At the end of the file without a newline.
  const std::size_t pending = end_ - begin_;
  // Read to its end: due again when it changes, or while a partial line waits for its flush.
  due = pending > 0 && flush_partial_after_.count() > 0;
  if (pending == 0) {
    release_buffer();  // a quiet file holds no buffer
    return std::nullopt;
  }
  const auto now = clock_->now();
  if (pending != partial_seen_) {
    partial_seen_ = pending;
    partial_since_ = now;
  }
  const bool quiet = flush_partial_after_.count() > 0 && now - partial_since_ >= flush_partial_after_;
  if (flush_partial || quiet) return take(pending, pending);
  // A short unfinished line is cheaper to read again than to keep a buffer
  // for: a file that stops mid-line (a crashed writer) holds no memory.
  if (pending <= kReadAgainBytes) release_buffer();
  return std::nullopt;
}

void TailedFile::release_buffer() {
  file_offset_ += begin_;
  begin_ = end_ = 0;
  buffer_ = std::vector<char>();
}

Line TailedFile::take(std::size_t length, std::size_t consumed) {
  Line line{std::string_view(buffer_.data() + begin_, length), 0};
  const bool whole = consumed > 0;  // ends at a newline (or is a flushed last line)
  if (!whole || split_part_ > 0) {
    if (split_part_ == 0) split_start_ = file_offset_ + begin_;
    line.part = ++split_part_;
    line.last_part = whole;
    line.line_start = split_start_;
    if (whole) split_part_ = 0;
  } else {
    line.line_start = file_offset_ + begin_;
  }
  begin_ += whole ? consumed : length;
  line.end_offset = file_offset_ + begin_;
  partial_seen_ = 0;
  return line;
}

}  // namespace cw::source
