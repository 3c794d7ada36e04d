#include "source/fingerprint.h"

#include <sys/types.h>
#include <unistd.h>

namespace cw::source {

Fingerprint fingerprint_of(int fd, std::uint32_t length) {
  if (length == 0) length = kFingerprintBytes;
  char buffer[kFingerprintBytes];
  const ssize_t n = ::pread(fd, buffer, length, 0);
  Fingerprint fp;
  if (n <= 0) return fp;
  fp.length = static_cast<std::uint32_t>(n);
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (ssize_t i = 0; i < n; ++i) {
    hash ^= static_cast<unsigned char>(buffer[i]);
    hash *= 0x100000001b3ULL;
  }
  fp.hash = hash;
  return fp;
}

}  // namespace cw::source
