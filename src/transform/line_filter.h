#pragma once
// LineFilter: whether a source ships a line, from its drop, keep_only and
// sample rules, in their order; the first that rules a line out decides.
// A sample keeps a line when a hash of its bytes falls in 1/every, so the
// same lines are kept after a restart reads them again. Not thread-safe.

#include <memory>
#include <string_view>
#include <vector>

#include "transform/filter_rule.h"

namespace cw::transform {

enum class Verdict { kShip, kDropped, kNotKept, kSampledOut };

class LineFilter {
 public:
  // Throws FilterError for a bad pattern or a sample of 0. Redact rules are
  // ignored here (Redactor).
  explicit LineFilter(const std::vector<FilterRule>& rules);
  ~LineFilter();
  LineFilter(LineFilter&&) noexcept;
  LineFilter& operator=(LineFilter&&) noexcept;

  bool empty() const { return rules_.empty(); }
  Verdict decide(std::string_view line);

 private:
  struct Rule;
  struct Fields;  // the top-level fields the rules look at
  std::vector<Rule> rules_;
  std::unique_ptr<Fields> fields_;
};

}  // namespace cw::transform
