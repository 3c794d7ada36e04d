#pragma once
// StreamNamer: the log stream a batch goes to, from a template.
//
// Placeholders: {prefix} (LOG_STREAM_PREFIX), {date} (YYYYMMDD, local date of
// the clock when the batch is opened, as the seed's datetime.now()), {hostname}
// (so Swarm replicas can write to separate streams), {file} (the log file's
// base name: one stream per file). The seed's name is "{prefix}_{date}".
// Characters CloudWatch refuses in stream names (':' and '*') become '_'.

#include <chrono>
#include <string>
#include <string_view>

namespace cw::cloudwatch {

class StreamNamer {
 public:
  StreamNamer(std::string name_template, std::string prefix, std::string hostname);

  std::string name(std::string_view file_path, std::chrono::system_clock::time_point now) const;
  bool per_file() const { return per_file_; }

 private:
  std::string template_;
  std::string prefix_;
  std::string hostname_;
  bool per_file_;
};

}  // namespace cw::cloudwatch
