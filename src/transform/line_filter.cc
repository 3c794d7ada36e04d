#include "transform/line_filter.h"

#include <re2/re2.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>

#include "common/fnv1a.h"
#include "transform/top_level_fields.h"

namespace cw::transform {

namespace {

// FNV-1a's low bits depend only on the bytes' low bits; a modulus of the
// hash needs them mixed (splitmix64's finaliser).
std::uint64_t sample_hash(std::string_view line) {
  std::uint64_t h = fnv1a(line);
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

}  // namespace

struct LineFilter::Rule {
  FilterRule::Kind kind;
  std::optional<std::size_t> field;  // index in Fields::names; nullopt: the whole line
  std::vector<std::string> values;
  std::unique_ptr<RE2> regex;  // null: none
  std::uint32_t every;

  bool matches(std::string_view text) const {
    if (std::find(values.begin(), values.end(), text) != values.end()) return true;
    if (regex) return RE2::PartialMatch(text, *regex);
    return values.empty();
  }
};

struct LineFilter::Fields {
  std::vector<std::string> names;
  std::unique_ptr<TopLevelFields> reader;
};

LineFilter::LineFilter(const std::vector<FilterRule>& rules) {
  std::vector<std::string> names;
  for (const FilterRule& spec : rules) {
    if (spec.kind == FilterRule::Kind::kRedact) continue;
    Rule rule{spec.kind, std::nullopt, spec.values, nullptr, spec.every};
    if (!spec.field.empty()) {
      auto at = std::find(names.begin(), names.end(), spec.field);
      if (at == names.end()) at = names.insert(names.end(), spec.field);
      rule.field = static_cast<std::size_t>(at - names.begin());
    }
    if (!spec.regex.empty()) {
      RE2::Options options;
      options.set_log_errors(false);
      rule.regex = std::make_unique<RE2>(spec.regex, options);
      if (!rule.regex->ok()) throw FilterError("bad regex '" + spec.regex + "': " + rule.regex->error());
    }
    if (spec.kind == FilterRule::Kind::kSample && spec.every == 0) throw FilterError("sample 'every' must be at least 1");
    rules_.push_back(std::move(rule));
  }
  if (!names.empty()) {
    fields_ = std::make_unique<Fields>();
    fields_->reader = std::make_unique<TopLevelFields>(names);
    fields_->names = std::move(names);
  }
}

LineFilter::~LineFilter() = default;
LineFilter::LineFilter(LineFilter&&) noexcept = default;
LineFilter& LineFilter::operator=(LineFilter&&) noexcept = default;

Verdict LineFilter::decide(std::string_view line) {
  std::span<const std::optional<std::string_view>> fields;
  if (fields_) fields = fields_->reader->read(line);
  for (const Rule& rule : rules_) {
    std::optional<std::string_view> text = line;
    if (rule.field) text = fields[*rule.field];
    const bool matches = text && rule.matches(*text);
    switch (rule.kind) {
      case FilterRule::Kind::kDrop:
        if (matches) return Verdict::kDropped;
        break;
      case FilterRule::Kind::kKeepOnly:
        if (!matches) return Verdict::kNotKept;
        break;
      case FilterRule::Kind::kSample:
        if (matches && sample_hash(line) % rule.every != 0) return Verdict::kSampledOut;
        break;
      case FilterRule::Kind::kRedact: break;
    }
  }
  return Verdict::kShip;
}

}  // namespace cw::transform
