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
  fp.hash = fnv1a(std::string_view(buffer, static_cast<std::size_t>(n)));
  return fp;
}

}  // namespace cw::source
