#pragma once
// TroubleLog: one log line per minute of delivery trouble, saying what fails,
// instead of one line per failed attempt (which would flood the log while
// CloudWatch throttles or is unreachable), and one line when it recovers.
// Shared by every sender thread.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "common/counters.h"
#include "common/logger.h"

namespace cw::cloudwatch {

class TroubleLog {
 public:
  TroubleLog(const Logger& log, Counters& counters,
             std::chrono::milliseconds interval = std::chrono::minutes(1));

  void failure(const std::string& what);
  void success();

 private:
  const Logger& log_;
  Counters& counters_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::uint64_t failures_ = 0;       // in the current run of failures
  std::uint64_t unreported_ = 0;     // since the last line
  std::chrono::steady_clock::time_point first_{};
  std::chrono::steady_clock::time_point last_line_{};
};

}  // namespace cw::cloudwatch
