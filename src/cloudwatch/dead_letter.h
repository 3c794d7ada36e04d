#pragma once
// DeadLetter: events CloudWatch will never store, written to a JSON-lines file
// with the reason, so an operator can see and replay them. One line each:
//   {"reason":"too_old","group":"g","stream":"s","timestamp":..,"message":".."}
// Thread-safe. An empty path turns it off (the counters still count).
// A line that cannot be written (a full disk, the file removed with its
// folder) is counted in Counters::dead_letter_failures and logged once per
// change between writing and failing; the next event tries again.

#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

#include "common/counters.h"
#include "common/logger.h"

namespace cw::cloudwatch {

class DeadLetter {
 public:
  DeadLetter(std::string path, const Logger& log, Counters& counters);
  ~DeadLetter();
  DeadLetter(const DeadLetter&) = delete;
  DeadLetter& operator=(const DeadLetter&) = delete;

  // `event_json` is the event as sent: {"timestamp":..,"message":".."}.
  void write(std::string_view reason, std::string_view group, std::string_view stream, std::string_view event_json);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const Logger& log_;
  Counters& counters_;
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  bool failed_ = false;
  bool cut_short_ = false;  // a failed write may have left part of a line
};

}  // namespace cw::cloudwatch
