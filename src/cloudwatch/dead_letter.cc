#include "cloudwatch/dead_letter.h"

#include <cerrno>
#include <cstring>

#include "cloudwatch/request_body.h"

namespace cw::cloudwatch {

DeadLetter::DeadLetter(std::string path, const Logger& log) : path_(std::move(path)), log_(log) {}

DeadLetter::~DeadLetter() {
  if (file_ != nullptr) std::fclose(file_);
}

void DeadLetter::write(std::string_view reason, std::string_view group, std::string_view stream,
                       std::string_view event_json) {
  if (path_.empty() || event_json.size() < 2) return;
  const std::string line = dead_letter_line(reason, group, stream, event_json);
  std::lock_guard lock(mutex_);
  if (failed_) return;
  if (file_ == nullptr) file_ = std::fopen(path_.c_str(), "ae");
  if (file_ == nullptr || std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    failed_ = true;  // reported once; the counters keep counting
    log_.error("cannot write dead-letter file " + path_ + ": " + std::strerror(errno));
  }
}

}  // namespace cw::cloudwatch
