#include "app/state_owner.h"

#include <poll.h>

#include <algorithm>

#include "source/remote_fs.h"

namespace cw::app {
namespace {

std::string holder_text(const source::StateLock& lock) {
  const auto holder = lock.holder();
  return holder ? holder->describe() : source::LockHolder{}.describe();
}

// True when `fd` became readable within `timeout`.
bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0 && (p.revents & POLLIN) != 0;
}

struct WaitingFlag {
  explicit WaitingFlag(Counters& counters) : counters_(counters) { counters_.waiting_for_state_lock.store(true); }
  ~WaitingFlag() { counters_.waiting_for_state_lock.store(false); }
  WaitingFlag(const WaitingFlag&) = delete;
  WaitingFlag& operator=(const WaitingFlag&) = delete;
  Counters& counters_;
};

}  // namespace

bool own_state_dir(source::StateLock& lock, const StateOwnerOptions& options, int stop_fd, Counters& counters,
                   const Logger& log, const MonotonicClock& clock) {
  if (const std::string fs = source::remote_filesystem_name(lock.dir()); !fs.empty()) {
    log.warn("STATE_DIR " + lock.dir() + " is on " + fs +
             ": its lock keeps out a second sidecar only where the server enforces locks for every client "
             "(NFSv4, EFS: yes; CIFS with nobrl, NFS with nolock or local_lock: no; see the README)");
  }
  std::optional<WaitingFlag> waiting;
  const auto started = clock.now();
  for (;;) {
    switch (lock.try_take(options.me)) {
      case source::LockOutcome::kTaken:
        if (waiting) log.info("took the state lock " + lock.path() + "; starting from the checkpoints left there");
        if (!lock.unwritten().empty()) {
          log.warn(lock.unwritten() + ": the lock is ours, but a sidecar waiting for it cannot say who holds it");
        }
        return true;
      case source::LockOutcome::kUnsupported:
        log.warn("cannot lock " + lock.path() +
                 ": the file system does not support locks; nothing keeps a second sidecar on this STATE_DIR "
                 "from shipping every line again");
        return true;
      case source::LockOutcome::kHeld: break;
    }
    const auto waited = clock.now() - started;
    if (options.max_wait && waited >= *options.max_wait) {
      throw StateLockTimeout("STATE_DIR " + lock.dir() + " is still owned by " + holder_text(lock) +
                               " after " + std::to_string(options.max_wait->count()) + " s (STATE_LOCK_WAIT_S)");
    }
    if (!waiting) {
      waiting.emplace(counters);
      log.info("STATE_DIR " + lock.dir() + " is owned by " + holder_text(lock) +
               "; waiting for it to stop (" +
               (options.max_wait ? "up to " + std::to_string(options.max_wait->count()) + " s" : "for ever") +
               ", STATE_LOCK_WAIT_S)");
    }
    auto pause = options.retry_every;
    if (options.max_wait) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(*options.max_wait - waited);
      pause = std::clamp(left, std::chrono::milliseconds(1), pause);
    }
    if (wait_readable(stop_fd, pause)) return false;
  }
}

}  // namespace cw::app
