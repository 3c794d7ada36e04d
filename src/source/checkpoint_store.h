#pragma once
// CheckpointStore: per file, how far CloudWatch has accepted every line.
//
// A file is known by device + inode and a fingerprint of its first bytes, so a
// reused inode is not mistaken for the file it replaced. save() replaces the
// state file crash-safely (temp file, fsync, rename, fsync of the folder): after
// a crash the store holds either the old or the new positions, never a mix.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cw::source {

struct Fingerprint {
  std::uint32_t length = 0;  // bytes hashed: min(file size at first sight, kFingerprintBytes)
  std::uint64_t hash = 0;    // FNV-1a 64 of those bytes
  bool operator==(const Fingerprint&) const = default;
};

inline constexpr std::uint32_t kFingerprintBytes = 1024;

struct Checkpoint {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  Fingerprint fingerprint;
  std::uint64_t offset = 0;  // every line before it was accepted
  std::string path;          // for people reading the file; identity is device+inode+fingerprint
};

class CheckpointStore {
 public:
  // Creates `state_dir` if needed; reads the existing state file. Throws
  // std::runtime_error with the path when the folder cannot be used.
  explicit CheckpointStore(std::string state_dir);

  std::optional<Checkpoint> find(std::uint64_t device, std::uint64_t inode) const;
  // Replaces the whole set (files no longer tracked are pruned) and persists it.
  void save(std::vector<Checkpoint> checkpoints);
  const std::vector<Checkpoint>& all() const { return checkpoints_; }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
  std::vector<Checkpoint> checkpoints_;
};

// Reads the fingerprint of an open file: up to `length` bytes from offset 0
// (kFingerprintBytes when length is 0).
Fingerprint fingerprint_of(int fd, std::uint32_t length = 0);

}  // namespace cw::source
