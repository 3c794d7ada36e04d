#pragma once
// Owning STATE_DIR before any checkpoint is read (source/state_lock.h).
//
// When another sidecar owns it, this one says once who and since when, then
// tries again about once a second until the owner stops (a start-first
// rolling update hands over this way with nothing lost and nothing sent
// twice), a stop is requested, or `max_wait` has passed. While it waits,
// Counters::waiting_for_state_lock is set, which /healthz reports as healthy.

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/clock.h"
#include "common/counters.h"
#include "common/logger.h"
#include "source/state_lock.h"

namespace cw::app {

struct StateOwnerOptions {
  std::optional<std::chrono::seconds> max_wait;  // nullopt: for ever
  source::LockHolder me;
  std::chrono::milliseconds retry_every{1000};
};

// Takes `lock` (keep it until the last checkpoint is written): true once it is
// ours, false when a stop was requested (`stop_fd` readable) while waiting.
// On a file system that cannot lock it warns and returns true. Throws
// StateLockTimeout when the wait is over, std::runtime_error when the lock
// file cannot be written.
bool own_state_dir(source::StateLock& lock, const StateOwnerOptions& options, int stop_fd, Counters& counters,
                   const Logger& log, const MonotonicClock& clock = cw::steady_clock());

class StateLockTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cw::app
