#pragma once
// FilterRule: one filter of a source as configured, before it is compiled
// (LineFilter, Redactor). Patterns are RE2 syntax: linear time, so a pattern
// from a config file cannot make a line take exponential time.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cw::transform {

class FilterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct FilterRule {
  enum class Kind { kDrop, kKeepOnly, kSample, kRedact };
  Kind kind = Kind::kDrop;
  // What a drop, keep_only or sample rule looks at: a top-level string field
  // of a JSON object line, or the whole line as read when empty. A line
  // without that field does not match.
  std::string field;
  // It matches when the value equals one of `values` or contains a match of
  // `regex`; with neither, every line (that has the field) matches.
  std::vector<std::string> values;
  std::string regex;
  std::uint32_t every = 1;  // sample: keeps 1 in `every` of the lines that match
  // redact: the built-in patterns (kBuiltinRedactions) and/or `regex`, whose
  // matches in string values (the whole line when it is not a JSON object)
  // become `mask`.
  std::vector<std::string> builtin;
  std::string mask = "[REDACTED]";
};

}  // namespace cw::transform
