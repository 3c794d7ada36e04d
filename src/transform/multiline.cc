#include "transform/multiline.h"

#include <re2/re2.h>

#include "transform/filter_rule.h"

namespace cw::transform {

struct Multiline::Pattern {
  explicit Pattern(const std::string& text, const RE2::Options& options) : regex(text, options) {}
  RE2 regex;
};

namespace {
RE2::Options quiet_options() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}
}  // namespace

Multiline::Multiline(const std::string& start_pattern)
    : start_(std::make_unique<Pattern>(start_pattern, quiet_options())) {
  if (!start_->regex.ok()) {
    throw FilterError("bad regex '" + start_pattern + "': " + start_->regex.error());
  }
}

Multiline::~Multiline() = default;
Multiline::Multiline(Multiline&&) noexcept = default;
Multiline& Multiline::operator=(Multiline&&) noexcept = default;

Multiline::Kind Multiline::classify(std::string_view line) const {
  const auto first = line.find_first_not_of(" \t");
  if (first != std::string_view::npos && line[first] == '{') return Kind::kJson;
  return RE2::PartialMatch(line, start_->regex) ? Kind::kStart : Kind::kContinuation;
}

}  // namespace cw::transform
