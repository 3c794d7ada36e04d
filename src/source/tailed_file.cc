#include "source/tailed_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace cw::source {
namespace {

constexpr std::size_t kReadChunk = 128 * 1024;

}  // namespace

TailedFile::TailedFile(std::uint64_t id, std::string path, std::size_t max_line_bytes)
    : id_(id), path_(std::move(path)), max_line_bytes_(max_line_bytes) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot stat " + path_ + ": " + std::strerror(errno));
  }
  device_ = st.st_dev;
  inode_ = st.st_ino;
  fingerprint_ = fingerprint_of(fd_);
  buffer_.resize(kReadChunk);
}

TailedFile::~TailedFile() {
  if (fd_ >= 0) ::close(fd_);
}

void TailedFile::seek(std::uint64_t offset) {
  if (offset > size_on_disk()) offset = 0;
  file_offset_ = offset;
  acked_offset_ = offset;
  begin_ = end_ = 0;
}

std::uint64_t TailedFile::size_on_disk() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

Fingerprint TailedFile::fingerprint() {
  if (fingerprint_.length < kFingerprintBytes) fingerprint_ = fingerprint_of(fd_);
  return fingerprint_;
}

bool TailedFile::starts_with(const Fingerprint& fp) const {
  return fp.length == 0 || fingerprint_of(fd_, fp.length) == fp;
}

bool TailedFile::reset_if_truncated() {
  if (size_on_disk() >= read_offset()) return false;
  file_offset_ = 0;
  acked_offset_ = 0;
  begin_ = end_ = 0;
  fingerprint_ = fingerprint_of(fd_);
  return true;
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
  if (buffer_.size() - end_ < kReadChunk / 2) {
    buffer_.resize(std::max(buffer_.size() * 2, end_ + kReadChunk));
  }
  for (;;) {
    const ssize_t n = ::pread(fd_, buffer_.data() + end_, buffer_.size() - end_,
                              static_cast<off_t>(file_offset_ + end_));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

std::optional<Line> TailedFile::next_line() {
  std::size_t scanned = begin_;
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* nl = std::memchr(buffer_.data() + scanned, '\n', end_ - scanned);
    if (nl != nullptr) {
      const auto length = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      if (length <= max_line_bytes_) {
        begin_ += length + 1;
        return Line{std::string_view(start, length), file_offset_ + begin_, false};
      }
    }
    if (end_ - begin_ > max_line_bytes_) {
      begin_ += max_line_bytes_;
      return Line{std::string_view(start, max_line_bytes_), file_offset_ + begin_, true};
    }
    const std::size_t pending = end_ - begin_;
    if (!fill()) return std::nullopt;
    scanned = begin_ + pending;  // bytes already searched hold no newline
  }
}

}  // namespace cw::source
