#pragma once
// Redactor: a source's redact rules on a line. Matches of their patterns in
// the string values of a JSON object line (not in keys, numbers or the rest),
// or anywhere in a line that is not an object, become the rule's mask.
// Escapes are not decoded for matching ("\u0040" is not '@'), and a match
// never takes a backslash or begins inside an escape: a JSON line stays the
// JSON it was. Not thread-safe (pattern state is not shared, scratch is).

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transform/filter_rule.h"

namespace cw::transform {

// The names of FilterRule::builtin: AWS access key ids (AKIA..., ASIA...),
// secret access keys (40 characters of base64 with upper case, lower case and
// a digit, standing alone), bearer tokens (the token after "Bearer "),
// email addresses, and card numbers (13 to 19 digits, spaces or dashes
// between, that pass the Luhn check).
inline constexpr std::array<std::string_view, 5> kBuiltinRedactions = {
    "aws_access_key_id", "aws_secret_access_key", "bearer_token", "email", "card_number"};

class Redactor {
 public:
  // Throws FilterError for a bad pattern or an unknown built-in name. Other
  // kinds of rule are ignored here (LineFilter).
  explicit Redactor(const std::vector<FilterRule>& rules);
  ~Redactor();
  Redactor(Redactor&&) noexcept;
  Redactor& operator=(Redactor&&) noexcept;

  bool empty() const { return patterns_.empty(); }
  // True when something was masked; `out` then holds the line as shipped.
  bool redact(std::string_view line, std::string& out);

 private:
  struct Pattern;
  // Masks the matches in `text` (a string's contents, escaped as written
  // when `json`) into `out`; true when there was one.
  bool redact_text(std::string_view text, bool json, std::string& out);

  std::vector<Pattern> patterns_;
  std::string scratch_[2];
  std::vector<char> inside_escape_;
};

}  // namespace cw::transform
