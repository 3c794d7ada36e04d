#pragma once
// TailedFile: an open log file read line by line from a known offset.
//
// Only complete lines (ending in '\n') come out; a last line still being
// written waits for its newline. A line longer than max_line_bytes comes out in
// pieces of that size, so one huge line can neither stall the file nor grow
// memory without bound. The file stays open by descriptor, so a rotated or
// deleted file is still read to its end.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/checkpoint_store.h"

namespace cw::source {

struct Line {
  std::string_view text;    // without '\n'; valid until the next call to next_line()
  std::uint64_t end_offset; // file offset just past this line (and its newline)
  bool piece = false;       // a cut piece of a line longer than max_line_bytes
};

class TailedFile {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  TailedFile(std::uint64_t id, std::string path, std::size_t max_line_bytes);
  ~TailedFile();
  TailedFile(const TailedFile&) = delete;
  TailedFile& operator=(const TailedFile&) = delete;

  // Continue after `offset` (from a checkpoint). Past the end of a file that
  // shrank, start again from 0: it was truncated.
  void seek(std::uint64_t offset);

  std::optional<Line> next_line();

  // A file that is now shorter than what was read was truncated in place
  // (copytruncate): read it again from the start. Returns true when it was.
  bool reset_if_truncated();

  std::uint64_t id() const { return id_; }
  const std::string& path() const { return path_; }
  std::uint64_t device() const { return device_; }
  std::uint64_t inode() const { return inode_; }
  std::uint64_t read_offset() const { return file_offset_ + begin_; }  // next byte a line starts at
  std::uint64_t size_on_disk() const;
  Fingerprint fingerprint();  // of the first bytes; grows with the file up to kFingerprintBytes
  // Whether the file still starts with the bytes `fp` was taken from.
  bool starts_with(const Fingerprint& fp) const;

  // Offset up to which every line was accepted by CloudWatch.
  std::uint64_t acked_offset() const { return acked_offset_; }
  void set_acked_offset(std::uint64_t offset) { acked_offset_ = offset; }

  bool detached = false;  // no longer at its path (rotated away or deleted)

 private:
  bool fill();  // reads more bytes; false at end of file

  std::uint64_t id_;
  std::string path_;
  std::size_t max_line_bytes_;
  int fd_ = -1;
  std::uint64_t device_ = 0;
  std::uint64_t inode_ = 0;
  Fingerprint fingerprint_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;         // first unconsumed byte in buffer_
  std::size_t end_ = 0;           // one past the last byte read into buffer_
  std::uint64_t file_offset_ = 0; // file offset of buffer_[0]
  std::uint64_t acked_offset_ = 0;
};

}  // namespace cw::source
