#include "transform/redactor.h"

#include <re2/re2.h>

#include <algorithm>

#include "transform/json_text.h"

namespace cw::transform {
namespace {

using Check = bool (*)(std::string_view);

bool luhn(std::string_view text) {
  int sum = 0;
  int digits = 0;
  for (auto it = text.rbegin(); it != text.rend(); ++it) {
    if (*it < '0' || *it > '9') continue;
    int d = *it - '0';
    if (digits++ % 2 == 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return digits >= 13 && digits <= 19 && sum % 10 == 0;
}

// A random 40-character secret has all three; a hex digest or a word has not.
bool mixed_case_and_digit(std::string_view text) {
  const auto has = [&](char from, char to) {
    return std::any_of(text.begin(), text.end(), [=](char c) { return c >= from && c <= to; });
  };
  return has('A', 'Z') && has('a', 'z') && has('0', '9');
}

struct Builtin {
  std::string_view name;
  std::string_view pattern;  // group 1, when there is one, is what is masked
  Check check;
};

constexpr Builtin kBuiltins[] = {
    {"aws_access_key_id", R"(\b((?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16})\b)", nullptr},
    {"aws_secret_access_key", R"((?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:$|[^A-Za-z0-9/+=]))", mixed_case_and_digit},
    {"bearer_token", R"((?i)\bbearer\s+([A-Za-z0-9\-._~+/]+=*))", nullptr},
    {"email", R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})", nullptr},
    {"card_number", R"(\b(\d(?:[ \-]?\d){12,18})\b)", luhn},
};

}  // namespace

struct Redactor::Pattern {
  std::unique_ptr<RE2> regex;
  Check check;
  std::string mask;
};

Redactor::Redactor(const std::vector<FilterRule>& rules) {
  RE2::Options options;
  options.set_log_errors(false);
  auto add = [&](std::string_view pattern, Check check, const std::string& mask) {
    auto regex = std::make_unique<RE2>(pattern, options);
    if (!regex->ok()) throw FilterError("bad regex '" + std::string(pattern) + "': " + regex->error());
    patterns_.push_back(Pattern{std::move(regex), check, mask});
  };
  for (const FilterRule& rule : rules) {
    if (rule.kind != FilterRule::Kind::kRedact) continue;
    for (const std::string& name : rule.builtin) {
      const auto* builtin = std::find_if(std::begin(kBuiltins), std::end(kBuiltins),
                                         [&](const Builtin& b) { return b.name == name; });
      if (builtin == std::end(kBuiltins)) {
        throw FilterError("unknown built-in redaction '" + name +
                          "' (aws_access_key_id, aws_secret_access_key, bearer_token, email, card_number)");
      }
      add(builtin->pattern, builtin->check, rule.mask);
    }
    if (!rule.regex.empty()) add(rule.regex, nullptr, rule.mask);
  }
}

Redactor::~Redactor() = default;
Redactor::Redactor(Redactor&&) noexcept = default;
Redactor& Redactor::operator=(Redactor&&) noexcept = default;

bool Redactor::redact_text(std::string_view text, bool json, std::string& out) {
  // Positions inside an escape (after its backslash), where no match may begin.
  const bool escaped = json && text.find('\\') != std::string_view::npos;
  bool changed = false;
  std::string_view current = text;
  int turn = 0;
  for (const Pattern& pattern : patterns_) {
    if (escaped) {
      inside_escape_.assign(current.size(), 0);
      for (std::size_t i = 0; i < current.size(); ++i) {
        if (current[i] != '\\') continue;
        const std::size_t length = std::max<std::size_t>(2, escape_length(current.data() + i, current.data() + current.size()));
        for (std::size_t j = i + 1; j < std::min(current.size(), i + length); ++j) inside_escape_[j] = 1;
        i += length - 1;
      }
    }
    std::string& result = scratch_[turn];
    result.clear();
    std::size_t copied = 0;
    std::size_t pos = 0;
    re2::StringPiece groups[2];
    const int group_count = std::min(pattern.regex->NumberOfCapturingGroups(), 1) + 1;
    const re2::StringPiece subject(current.data(), current.size());
    while (pos <= current.size() &&
           pattern.regex->Match(subject, pos, current.size(), RE2::UNANCHORED, groups, group_count)) {
      const re2::StringPiece span = group_count == 2 && groups[1].data() != nullptr ? groups[1] : groups[0];
      const auto begin = static_cast<std::size_t>(span.data() - current.data());
      const auto end = begin + span.size();
      const std::string_view matched(span.data(), span.size());
      const bool ok = !matched.empty() && (!escaped || (inside_escape_[begin] == 0 && matched.find('\\') == std::string_view::npos)) &&
                      (pattern.check == nullptr || pattern.check(matched));
      if (ok) {
        result.append(current.substr(copied, begin - copied));
        result += pattern.mask;
        copied = end;
      }
      pos = ok ? end : begin + 1;
    }
    if (copied == 0) continue;  // nothing masked by this one
    result.append(current.substr(copied));
    current = result;
    turn ^= 1;
    changed = true;
  }
  if (changed) out.append(current);
  return changed;
}

bool Redactor::redact(std::string_view line, std::string& out) {
  out.clear();
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos || line[first] != '{') {
    return redact_text(line, false, out);
  }
  bool changed = false;
  std::size_t copied = 0;
  std::string masked;
  const char* const end = line.data() + line.size();
  for (std::size_t i = line.find('"', first); i != std::string_view::npos; i = line.find('"', i)) {
    const char* close = find_string_end(line.data() + i + 1, end);
    if (close == nullptr) break;
    const auto close_at = static_cast<std::size_t>(close - line.data());
    auto after = line.find_first_not_of(" \t\r\n", close_at + 1);
    const bool key = after != std::string_view::npos && line[after] == ':';
    if (!key) {
      masked.clear();
      if (redact_text(line.substr(i + 1, close_at - i - 1), true, masked)) {
        out.append(line.substr(copied, i + 1 - copied));
        out += masked;
        copied = close_at;
        changed = true;
      }
    }
    i = close_at + 1;
  }
  if (changed) out.append(line.substr(copied));
  return changed;
}

}  // namespace cw::transform
