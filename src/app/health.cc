#include "app/health.h"

#include <algorithm>
#include <cstring>

namespace cw::app {

HealthVerdict judge_health(std::int64_t failing_since_ms, std::int64_t oldest_unacked_ms, std::int64_t now_ms,
                           std::chrono::seconds stuck_after) {
  const std::int64_t limit_ms = std::chrono::duration_cast<std::chrono::milliseconds>(stuck_after).count();
  const std::string limit = " (HEALTH_STUCK_AFTER_S=" + std::to_string(stuck_after.count()) + ")";
  if (failing_since_ms > 0 && now_ms - failing_since_ms >= limit_ms) {
    return {false, "delivery failing for " + std::to_string((now_ms - failing_since_ms) / 1000) + " s" + limit};
  }
  if (oldest_unacked_ms > 0 && now_ms - oldest_unacked_ms >= limit_ms) {
    // The batch was read before its first request failed, so this rule can
    // trip first; then the failure is still the news.
    const std::string failing = failing_since_ms > 0 ? "delivery failing for " +
                                                           std::to_string((now_ms - failing_since_ms) / 1000) + " s, "
                                                     : "";
    return {false, failing + "oldest unacknowledged batch was read " +
                       std::to_string((now_ms - oldest_unacked_ms) / 1000) + " s ago" + limit};
  }
  return {};
}

HealthVerdict judge_health(const Counters& counters, std::int64_t now_ms, std::chrono::seconds stuck_after) {
  if (counters.waiting_for_state_lock.load(std::memory_order_relaxed)) return {true, "waiting for the state lock"};
  HealthVerdict verdict = judge_health(counters.failing_since_ms.load(std::memory_order_relaxed),
                                       counters.oldest_unacked_ms.load(std::memory_order_relaxed), now_ms, stuck_after);
  // Acquire: the reason was stored before the time.
  const std::int64_t since = counters.checkpoint_failing_since_ms.load(std::memory_order_acquire);
  if (since <= 0) return verdict;
  const std::int64_t failing_ms = std::max<std::int64_t>(0, now_ms - since);
  // strerrordesc_np: strerror() may share a buffer with other threads.
  const char* what = ::strerrordesc_np(counters.checkpoint_error.load(std::memory_order_relaxed));
  const std::string checkpoints = "cannot write checkpoints to STATE_DIR: " +
                                  std::string(what != nullptr ? what : "unknown error") + " (for " +
                                  std::to_string(failing_ms / 1000) + " s)";
  if (!verdict.healthy) return {false, verdict.reason + "; " + checkpoints};
  if (failing_ms < std::chrono::duration_cast<std::chrono::milliseconds>(stuck_after).count()) {
    return {true, checkpoints};
  }
  return {false, checkpoints + " (HEALTH_STUCK_AFTER_S=" + std::to_string(stuck_after.count()) + ")"};
}

}  // namespace cw::app
