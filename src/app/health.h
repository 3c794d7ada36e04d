#pragma once
// Health: the rule behind /healthz and --healthcheck. The sidecar is unhealthy
// when delivery has been stuck for longer than HEALTH_STUCK_AFTER_S: every
// request has failed since some moment that long ago, or the oldest batch
// not yet acknowledged was read that long ago (lines are being read but not
// delivered, whatever the reason). Quiet files are healthy: with nothing to
// send nothing is stuck. A restart is what an unhealthy verdict leads to, and
// it is safe: checkpoints only move over acknowledged lines. Waiting for the
// lock of a STATE_DIR another sidecar owns is healthy: that is a rolling
// update, and restarting the waiter would not end it sooner. Checkpoints that
// cannot be written (STATE_DIR full, read-only or removed) are reported at
// once with the reason, and are unhealthy after HEALTH_STUCK_AFTER_S: each
// restart sends again what was acknowledged since the last write (at most
// CHECKPOINT_UNSAVED_MAX_MB), so a brief fault must not lead to one.

#include <chrono>
#include <cstdint>
#include <string>

#include "common/counters.h"

namespace cw::app {

struct HealthVerdict {
  bool healthy = true;
  std::string reason;  // why not; when healthy, what it is doing instead of shipping, if anything
};

// `failing_since_ms` and `oldest_unacked_ms` are epoch milliseconds, 0 for "none".
HealthVerdict judge_health(std::int64_t failing_since_ms, std::int64_t oldest_unacked_ms, std::int64_t now_ms,
                           std::chrono::seconds stuck_after);

HealthVerdict judge_health(const Counters& counters, std::int64_t now_ms, std::chrono::seconds stuck_after);

}  // namespace cw::app
