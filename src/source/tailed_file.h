#pragma once
// TailedFile: an open log file read line by line from a known offset.
//
// Only complete lines (ending in '\n') come out; a last line still being
// written waits for its newline, unless it has been quiet for
// `flush_partial_after` or the caller asks for it (a rotated file at its end).
// A line longer than max_line_bytes comes out in parts, so one huge line can
// neither stall the file nor grow memory without bound. The file stays open by
// descriptor, so a rotated or deleted file is still read to its end. The read
// buffer is released whenever the file is read to its end (up to a short
// unfinished line, read again next time), so quiet files cost no memory.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "source/fingerprint.h"

namespace cw::source {

struct Line {
  std::string_view text;    // without '\n'; valid until the next call to next_line()
  std::uint64_t end_offset; // file offset just past this line (and its newline)
  // Lines longer than max_line_bytes come in parts 1, 2, ... (cut at UTF-8
  // character boundaries); 0 for a whole line.
  std::uint32_t part = 0;
  bool last_part = false;
  std::uint64_t line_start = 0;  // offset where the (split) line began
};

// The file could not be opened; `error` is the errno (EMFILE and ENFILE: out
// of descriptors, which says nothing about the file).
class OpenError : public std::runtime_error {
 public:
  OpenError(const std::string& what, int error) : std::runtime_error(what), error_(error) {}
  int error() const { return error_; }

 private:
  int error_;
};

class TailedFile {
 public:
  // Throws OpenError when the file cannot be opened. `clock` times quiet
  // spells (last_change(), the partial-line flush).
  TailedFile(std::uint64_t id, std::string path, std::size_t max_line_bytes,
             std::chrono::milliseconds flush_partial_after = std::chrono::milliseconds(0),
             const MonotonicClock& clock = cw::steady_clock());
  ~TailedFile();
  TailedFile(const TailedFile&) = delete;
  TailedFile& operator=(const TailedFile&) = delete;

  // Continue after `offset` (from a checkpoint). Past the end of a file that
  // shrank, start again from 0: it was truncated.
  void seek(std::uint64_t offset);

  std::optional<Line> next_line(bool flush_partial = false);

  // Gives the read buffer back, forgetting bytes read ahead of the next line:
  // they are read again on the next call. Between turns of a sidecar behind on
  // many files, so that it holds one buffer at a time, not one per file.
  void release_buffer();

  // Whether the file was truncated or rewritten in place (copytruncate): it is
  // shorter than what was read, or no longer starts with the bytes it started
  // with. Cheap when the size has not changed since the last call.
  bool was_replaced_in_place();
  // Reads the file again from the start, under a new id: acknowledgements of
  // lines read before (by id and offset) must not move the new content's position.
  void restart(std::uint64_t new_id);
  // When was_replaced_in_place() last saw the size change (or the file opened).
  std::chrono::steady_clock::time_point last_change() const { return last_change_; }

  std::uint64_t id() const { return id_; }
  const std::string& path() const { return path_; }
  void renamed(std::string path) { path_ = std::move(path); }
  std::uint64_t device() const { return device_; }
  std::uint64_t inode() const { return inode_; }
  std::uint64_t read_offset() const { return file_offset_ + begin_; }  // next byte a line starts at
  std::uint64_t size_on_disk() const;
  // The size as last seen by a read, a stat or a scan (saw_size), without a
  // system call: for gauges, and to skip work on files that did not change.
  std::uint64_t known_size() const { return known_size_; }
  void saw_size(std::uint64_t size) { known_size_ = size; }
  // An unfinished last line is waiting for its newline (or its flush).
  bool has_partial() const { return partial_seen_ > 0; }
  // Of the first bytes; grows with the file (as known_size() sees it) up to kFingerprintBytes.
  Fingerprint fingerprint();
  // Whether the file still starts with the bytes `fp` was taken from.
  bool starts_with(const Fingerprint& fp) const;

  // Offset up to which every line was accepted by CloudWatch.
  std::uint64_t acked_offset() const { return acked_offset_; }
  void set_acked_offset(std::uint64_t offset) { acked_offset_ = offset; }

  bool detached = false;  // no longer at its path (rotated away or deleted)
  // Worth reading: set when it opens, when the watcher or a scan saw it
  // change, cleared by the reader once it is read to its end. A file that is
  // not due costs the reader no system call.
  bool due = true;
  std::chrono::steady_clock::time_point detached_at{};

 private:
  bool fill();  // reads more bytes; false at end of file
  // Emits the next `length` bytes as a line and consumes `consumed` bytes
  // (length + 1 with the newline; 0 for a part cut from a longer line).
  Line take(std::size_t length, std::size_t consumed);

  std::uint64_t id_;
  std::string path_;
  std::size_t max_line_bytes_;
  int fd_ = -1;
  std::uint64_t device_ = 0;
  std::uint64_t inode_ = 0;
  Fingerprint fingerprint_;
  std::chrono::milliseconds flush_partial_after_;
  const MonotonicClock* clock_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;         // first unconsumed byte in buffer_
  std::size_t end_ = 0;           // one past the last byte read into buffer_
  std::uint64_t file_offset_ = 0; // file offset of buffer_[0]
  std::uint64_t acked_offset_ = 0;
  std::uint64_t last_size_ = 0;   // at the last was_replaced_in_place()
  std::uint64_t known_size_ = 0;
  std::chrono::steady_clock::time_point last_change_;
  std::uint32_t split_part_ = 0;  // parts of the current long line emitted so far
  std::uint64_t split_start_ = 0;
  std::size_t partial_seen_ = 0;  // size of the unfinished last line when last looked at
  std::chrono::steady_clock::time_point partial_since_{};
};

}  // namespace cw::source
