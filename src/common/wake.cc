#include "common/wake.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

namespace cw {

Wake::Wake() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
}

Wake::~Wake() { ::close(fd_); }

void Wake::notify() {
  const std::uint64_t one = 1;
  // EAGAIN means the counter is saturated: the waiter will wake anyway.
  [[maybe_unused]] const auto n = ::write(fd_, &one, sizeof one);
}

void Wake::drain() {
  std::uint64_t value = 0;
  [[maybe_unused]] const auto n = ::read(fd_, &value, sizeof value);
}

}  // namespace cw
