#include "cloudwatch/trouble_log.h"

#include "common/clock.h"

namespace cw::cloudwatch {

TroubleLog::TroubleLog(const Logger& log, Counters& counters, std::chrono::milliseconds interval)
    : log_(log), counters_(counters), interval_(interval) {}

void TroubleLog::failure(const std::string& what) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (failures_ == 0) {
    first_ = now;
    counters_.failing_since_ms.store(epoch_ms(), std::memory_order_relaxed);
  }
  ++failures_;
  ++unreported_;
  if (failures_ == 1 || now - last_line_ >= interval_) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - first_).count();
    log_.warn("delivery failing for " + std::to_string(seconds) + " s (" + std::to_string(unreported_) +
              " failed attempts since last report), retrying: " + what);
    unreported_ = 0;
    last_line_ = now;
  }
}

void TroubleLog::success() {
  counters_.last_success_ms.store(epoch_ms(), std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  if (failures_ == 0) return;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - first_).count();
  log_.info("delivery recovered after " + std::to_string(failures_) + " failed attempts in " +
            std::to_string(seconds) + " s");
  failures_ = 0;
  unreported_ = 0;
  counters_.failing_since_ms.store(0, std::memory_order_relaxed);
}

}  // namespace cw::cloudwatch
