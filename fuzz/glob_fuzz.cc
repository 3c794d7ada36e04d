// Glob patterns take any bytes: the input is a pattern and a path, split at
// the first newline. A pattern without wildcards matches exactly the paths
// with the same segments (empty segments do not count: "a//b" is "a/b").
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "source/glob.h"

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (i > start) out.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string_view pattern = input.substr(0, newline);
  const std::string_view path = input.substr(newline + 1);
  const bool matched = cw::source::glob_match(pattern, path);
  // fnmatch() also gives '.' at a name's start special treatment: left out.
  if (pattern.find_first_of("*?[\\.") == std::string_view::npos && path.find('.') == std::string_view::npos &&
      matched != (segments(pattern) == segments(path))) {
    std::abort();
  }
  return 0;
}
