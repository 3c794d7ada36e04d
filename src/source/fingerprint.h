#pragma once
// Fingerprint: a hash of a file's first bytes. With device and inode it is a
// file's identity, so that a reused inode is not taken for the file it
// replaced; the reader takes it, the checkpoints keep it.

#include <cstdint>
#include <string_view>

#include "common/fnv1a.h"

namespace cw::source {

struct Fingerprint {
  std::uint32_t length = 0;  // bytes hashed: min(file size at first sight, kFingerprintBytes)
  std::uint64_t hash = 0;    // FNV-1a 64 of those bytes
  bool operator==(const Fingerprint&) const = default;
};

inline constexpr std::uint32_t kFingerprintBytes = 1024;

// Reads the fingerprint of an open file: up to `length` bytes from offset 0
// (kFingerprintBytes when length is 0).
Fingerprint fingerprint_of(int fd, std::uint32_t length = 0);

}  // namespace cw::source
