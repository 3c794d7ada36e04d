// An LD_PRELOAD shim that makes the process see a machine booted a moment
// ago: CLOCK_MONOTONIC (and its RAW, COARSE and BOOTTIME kin) read
// CW_UPTIME_MS (default 100) milliseconds at the first reading and run on at
// the real rate. The unit tests run once more under it, so that code using a
// fixed reading such as time_point{} to mean "long ago" fails in CI however
// long the CI machine has been up.
//
// Absolute deadlines on those clocks (condition variables, mutexes,
// semaphores, clock_nanosleep) are moved back into the kernel's reading, so a
// timed wait lasts as long as it would without the shim.

#include <dlfcn.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <mutex>

namespace {

constexpr std::int64_t kNs = 1'000'000'000;

struct Shift {
  std::once_flag once;
  int (*real_gettime)(clockid_t, timespec*) = nullptr;
  std::int64_t by[4] = {};  // nanoseconds subtracted, per clock below
};

Shift& shift() {
  static Shift s;
  return s;
}

int slot(clockid_t id) {
  switch (id) {
    case CLOCK_MONOTONIC: return 0;
    case CLOCK_MONOTONIC_RAW: return 1;
    case CLOCK_MONOTONIC_COARSE: return 2;
    case CLOCK_BOOTTIME: return 3;
    default: return -1;
  }
}

std::int64_t to_ns(const timespec& t) { return t.tv_sec * kNs + t.tv_nsec; }
timespec from_ns(std::int64_t ns) { return timespec{static_cast<time_t>(ns / kNs), static_cast<long>(ns % kNs)}; }

template <typename F>
F next(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

Shift& ready() {
  Shift& s = shift();
  std::call_once(s.once, [&s] {
    s.real_gettime = next<int (*)(clockid_t, timespec*)>("clock_gettime");
    const char* text = std::getenv("CW_UPTIME_MS");
    const std::int64_t uptime_ns = (text != nullptr ? std::atoll(text) : 100) * 1'000'000;
    for (const clockid_t id : {CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME}) {
      timespec now{};
      s.real_gettime(id, &now);
      s.by[slot(id)] = to_ns(now) - uptime_ns;
    }
  });
  return s;
}

// The kernel's reading for a deadline given on the shifted clock.
timespec real_deadline(clockid_t id, const timespec* deadline) {
  const int i = slot(id);
  return i < 0 ? *deadline : from_ns(to_ns(*deadline) + ready().by[i]);
}

}  // namespace

extern "C" {

int clock_gettime(clockid_t id, timespec* out) {
  Shift& s = ready();
  const int rc = s.real_gettime(id, out);
  const int i = slot(id);
  if (rc == 0 && i >= 0) *out = from_ns(to_ns(*out) - s.by[i]);
  return rc;
}

int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t id, const timespec* deadline) {
  static const auto real = next<int (*)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*)>(
      "pthread_cond_clockwait");
  const timespec t = real_deadline(id, deadline);
  return real(cond, mutex, id, &t);
}

int pthread_mutex_clocklock(pthread_mutex_t* mutex, clockid_t id, const timespec* deadline) {
  static const auto real = next<int (*)(pthread_mutex_t*, clockid_t, const timespec*)>("pthread_mutex_clocklock");
  const timespec t = real_deadline(id, deadline);
  return real(mutex, id, &t);
}

int sem_clockwait(sem_t* sem, clockid_t id, const timespec* deadline) {
  static const auto real = next<int (*)(sem_t*, clockid_t, const timespec*)>("sem_clockwait");
  const timespec t = real_deadline(id, deadline);
  return real(sem, id, &t);
}

int clock_nanosleep(clockid_t id, int flags, const timespec* request, timespec* remain) {
  static const auto real = next<int (*)(clockid_t, int, const timespec*, timespec*)>("clock_nanosleep");
  if ((flags & TIMER_ABSTIME) == 0) return real(id, flags, request, remain);
  const timespec t = real_deadline(id, request);
  return real(id, flags, &t, remain);
}

}  // extern "C"
