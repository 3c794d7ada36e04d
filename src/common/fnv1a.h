#pragma once
// FNV-1a 64: a hash that is the same in every build and run, for what must
// not change across restarts (a file's fingerprint, a checkpoint file's
// check, which lines a sample keeps). Not for untrusted hash tables.

#include <cstdint>
#include <string_view>

namespace cw {

constexpr std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace cw
