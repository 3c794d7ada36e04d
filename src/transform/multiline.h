#pragma once
// Multiline: which text lines start an event (multiline_start, an RE2
// pattern, as the CloudWatch agent's multi_line_start_pattern). A line that
// is not a JSON object and does not match continues the event before it,
// joined with '\n' (a Python traceback's lines, a Java stack trace's "at"
// lines). A JSON object line (its first character past blanks is '{') is
// never joined and ends the event before it.

#include <memory>
#include <string>
#include <string_view>

namespace cw::transform {

class Multiline {
 public:
  enum class Kind { kJson, kStart, kContinuation };

  // Throws FilterError for a bad pattern.
  explicit Multiline(const std::string& start_pattern);
  ~Multiline();
  Multiline(Multiline&&) noexcept;
  Multiline& operator=(Multiline&&) noexcept;

  Kind classify(std::string_view line) const;

 private:
  struct Pattern;
  std::unique_ptr<Pattern> start_;
};

}  // namespace cw::transform
