#include "cloudwatch/stream_namer.h"

#include <ctime>

namespace cw::cloudwatch {

StreamNamer::StreamNamer(std::string name_template, std::string prefix, std::string hostname)
    : template_(std::move(name_template)),
      prefix_(std::move(prefix)),
      hostname_(std::move(hostname)),
      per_file_(template_.find("{file}") != std::string::npos) {}

std::string StreamNamer::name(std::string_view file_path, std::chrono::system_clock::time_point now) const {
  std::string out;
  out.reserve(template_.size() + prefix_.size() + 32);
  std::string_view rest = template_;
  while (!rest.empty()) {
    const auto open = rest.find('{');
    out.append(rest.substr(0, open));
    if (open == std::string_view::npos) break;
    rest.remove_prefix(open);
    const auto close = rest.find('}');
    const std::string_view key = rest.substr(0, close == std::string_view::npos ? rest.size() : close + 1);
    if (key == "{prefix}") {
      out += prefix_;
    } else if (key == "{date}") {
      const std::time_t t = std::chrono::system_clock::to_time_t(now);
      std::tm tm{};
      localtime_r(&t, &tm);
      char date[9];
      std::strftime(date, sizeof date, "%Y%m%d", &tm);
      out += date;
    } else if (key == "{hostname}") {
      out += hostname_;
    } else if (key == "{file}") {
      const auto slash = file_path.rfind('/');
      out += file_path.substr(slash == std::string_view::npos ? 0 : slash + 1);
    } else {
      out += key;  // not a placeholder: kept as written
    }
    rest.remove_prefix(key.size());
  }
  for (char& c : out) {
    if (c == ':' || c == '*') c = '_';
  }
  if (out.size() > 512) out.resize(512);
  return out;
}

}  // namespace cw::cloudwatch
