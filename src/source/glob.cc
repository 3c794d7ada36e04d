#include "source/glob.h"

#include <fnmatch.h>

#include <algorithm>

namespace cw::source {
namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) out.push_back(segment);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool segment_match(std::string_view pattern, std::string_view name) {
  // fnmatch() would stop at a NUL; no file name holds one, nor does a setting.
  if (pattern.find('\0') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return pattern == name;
  }
  const std::string p(pattern);
  const std::string n(name);
  return ::fnmatch(p.c_str(), n.c_str(), FNM_PERIOD) == 0;
}

// Whether pattern[pi..] matches path[si..]. Each (pi, si) is settled once
// (`memo`: 0 unknown, 1 no, 2 yes), so patterns with many '**' cost
// O(pattern x path) segment matches, not exponential time.
bool match_from(const std::vector<std::string_view>& pattern, std::size_t pi,
                const std::vector<std::string_view>& path, std::size_t si, std::vector<char>& memo) {
  char& known = memo[pi * (path.size() + 1) + si];
  if (known != 0) return known == 2;
  bool matched = false;
  if (pi == pattern.size()) {
    matched = si == path.size();
  } else if (pattern[pi] == "**") {
    for (std::size_t skip = si; skip <= path.size() && !matched; ++skip) {
      matched = match_from(pattern, pi + 1, path, skip, memo);
      // Like '*', '**' does not match hidden folders (".state/x.log").
      if (skip < path.size() && path[skip].front() == '.') break;
    }
  } else {
    matched = si < path.size() && segment_match(pattern[pi], path[si]) &&
              match_from(pattern, pi + 1, path, si + 1, memo);
  }
  known = matched ? 2 : 1;
  return matched;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view relative_path) {
  const std::vector<std::string_view> pattern_segments = segments(pattern);
  const std::vector<std::string_view> path_segments = segments(relative_path);
  std::vector<char> memo((pattern_segments.size() + 1) * (path_segments.size() + 1), 0);
  return match_from(pattern_segments, 0, path_segments, 0, memo);
}

GlobSet::GlobSet(std::vector<std::string> include, std::vector<std::string> exclude)
    : include_(std::move(include)), exclude_(std::move(exclude)) {
  recursive_ = std::any_of(include_.begin(), include_.end(),
                           [](const std::string& p) { return p.find('/') != std::string::npos; });
}

bool GlobSet::matches(std::string_view relative_path) const {
  const auto hit = [&](const std::string& pattern) { return glob_match(pattern, relative_path); };
  return std::any_of(include_.begin(), include_.end(), hit) && std::none_of(exclude_.begin(), exclude_.end(), hit);
}

AnyGlobSet::AnyGlobSet(std::vector<GlobSet> sets) : sets_(std::move(sets)) {
  recursive_ = std::any_of(sets_.begin(), sets_.end(), [](const GlobSet& set) { return set.recursive(); });
}

bool AnyGlobSet::matches(std::string_view relative_path) const {
  return std::any_of(sets_.begin(), sets_.end(), [&](const GlobSet& set) { return set.matches(relative_path); });
}

}  // namespace cw::source
