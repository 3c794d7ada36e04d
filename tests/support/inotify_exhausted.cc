// An LD_PRELOAD shim for a node whose sidecars used up inotify's per-user
// limits, without touching the host's sysctls:
//   CW_INOTIFY_EXHAUSTED=instances  inotify_init1 fails with EMFILE
//                                   (fs.inotify.max_user_instances)
//   CW_INOTIFY_EXHAUSTED=watches    inotify_add_watch fails with ENOSPC
//                                   (fs.inotify.max_user_watches)
// Anything else (or unset) passes the calls through.

#include <dlfcn.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace {

bool exhausted(const char* what) {
  const char* mode = std::getenv("CW_INOTIFY_EXHAUSTED");
  return mode != nullptr && std::strcmp(mode, what) == 0;
}

template <typename F>
F real(const char* name) {
  return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int inotify_init1(int flags) {
  if (exhausted("instances")) {
    errno = EMFILE;
    return -1;
  }
  static const auto next = real<int (*)(int)>("inotify_init1");
  return next(flags);
}

extern "C" int inotify_add_watch(int fd, const char* path, uint32_t mask) {
  if (exhausted("watches")) {
    errno = ENOSPC;
    return -1;
  }
  static const auto next = real<int (*)(int, const char*, uint32_t)>("inotify_add_watch");
  return next(fd, path, mask);
}
