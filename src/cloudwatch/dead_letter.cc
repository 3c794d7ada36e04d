#include "cloudwatch/dead_letter.h"

#include <cerrno>
#include <cstring>

#include "cloudwatch/request_body.h"

namespace cw::cloudwatch {

DeadLetter::DeadLetter(std::string path, const Logger& log, Counters& counters)
    : path_(std::move(path)), log_(log), counters_(counters) {}

DeadLetter::~DeadLetter() {
  if (file_ != nullptr) std::fclose(file_);
}

void DeadLetter::write(std::string_view reason, std::string_view group, std::string_view stream,
                       std::string_view event_json) {
  if (path_.empty() || event_json.size() < 2) return;
  std::string line = dead_letter_line(reason, group, stream, event_json);
  std::lock_guard lock(mutex_);
  if (file_ == nullptr) file_ = std::fopen(path_.c_str(), "ae");
  // After a write cut short the file may end inside a line: a newline ends
  // it, so this line stays whole.
  if (cut_short_) line.insert(0, 1, '\n');
  const std::size_t written = file_ != nullptr ? std::fwrite(line.data(), 1, line.size(), file_) : 0;
  if (written == line.size() && std::fflush(file_) == 0) {
    if (failed_) log_.info("writing dead-letter file " + path_ + " again");
    failed_ = false;
    cut_short_ = false;
    return;
  }
  const int error = errno;
  cut_short_ = cut_short_ || file_ != nullptr;  // some of it may be on disk
  counters_.dead_letter_failures.fetch_add(1, std::memory_order_relaxed);
  if (!failed_) {
    log_.error("cannot write dead-letter file " + path_ + ": " + std::strerror(error) +
               " (counted in cw_sidecar_dead_letter_failures_total; the next event tries again)");
  }
  failed_ = true;
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
}

}  // namespace cw::cloudwatch
