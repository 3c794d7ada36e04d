#pragma once
// Glob patterns over paths relative to LOG_PATH: '*', '?' and '[...]' within
// one path segment (fnmatch), and '**' as a whole segment for any number of
// segments, including none ("**/*.log" matches "a.log" and "x/y/a.log").
// A pattern without '/' matches file names in LOG_PATH itself only.

#include <string>
#include <string_view>
#include <vector>

namespace cw::source {

bool glob_match(std::string_view pattern, std::string_view relative_path);

class GlobSet {
 public:
  GlobSet(std::vector<std::string> include, std::vector<std::string> exclude);

  bool matches(std::string_view relative_path) const;
  // Whether any include pattern can match below a subfolder (has '/').
  bool recursive() const { return recursive_; }

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
  bool recursive_;
};

// The globs of several sources: a path matches when one of them matches it.
class AnyGlobSet {
 public:
  explicit AnyGlobSet(std::vector<GlobSet> sets);

  bool matches(std::string_view relative_path) const;
  bool recursive() const { return recursive_; }

 private:
  std::vector<GlobSet> sets_;
  bool recursive_ = false;
};

}  // namespace cw::source
