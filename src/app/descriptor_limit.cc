#include "app/descriptor_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace cw::app {

DescriptorLimit raise_descriptor_limit() {
  DescriptorLimit out;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.before = out.now = limit.rlim_cur;
  if (limit.rlim_cur >= limit.rlim_max) return out;
  rlimit raised = limit;
  raised.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &raised) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  out.now = raised.rlim_cur;
  return out;
}

std::uint64_t descriptor_reserve(int max_in_flight) {
  // Per sender: its connection, and curl's resolver thread's socket pair.
  // Besides: the standard streams, inotify, the wake-up descriptors, the lock
  // and checkpoint files, the dead-letter file, the metrics listener and a
  // few of its clients, and a file opened briefly to compare first bytes.
  constexpr std::uint64_t kFixed = 48;
  return kFixed + 4 * static_cast<std::uint64_t>(max_in_flight > 0 ? max_in_flight : 1);
}

std::uint64_t default_max_open_files(std::uint64_t limit, int max_in_flight) {
  const std::uint64_t reserve = descriptor_reserve(max_in_flight);
  return limit > reserve ? limit - reserve : 1;
}

}  // namespace cw::app
