#include "transform/json_text.h"

#include <cstring>

namespace cw::transform {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_json_string(std::string_view text, bool may_have_escapes) {
  if (text.size() < 2 || text.front() != '"' || text.back() != '"') return false;
  return !may_have_escapes || has_valid_escapes(text.substr(1, text.size() - 2));
}

}  // namespace

const char* json_number_end(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  if (p == end) return nullptr;
  if (*p == '0') {
    ++p;
  } else if (is_digit(*p)) {
    while (p < end && is_digit(*p)) ++p;
  } else {
    return nullptr;
  }
  if (p < end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p)) return nullptr;
    while (p < end && is_digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p == end || !is_digit(*p)) return nullptr;
    while (p < end && is_digit(*p)) ++p;
  }
  return p;
}

bool is_json_number(std::string_view text) {
  const char* const end = text.data() + text.size();
  return json_number_end(text.data(), end) == end;
}

std::string_view trim_json_whitespace_right(std::string_view text) {
  std::size_t n = text.size();
  while (n > 0 && is_json_whitespace(text[n - 1])) --n;
  return text.substr(0, n);
}

const char* find_string_end(const char* after_quote, const char* limit) {
  const char* p = after_quote;
  while (p < limit) {
    const auto* quote = static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(limit - p)));
    if (quote == nullptr) return nullptr;
    // The quote is escaped only if an odd number of backslashes precede it.
    const char* b = quote;
    while (b > after_quote && b[-1] == '\\') --b;
    if ((quote - b) % 2 == 0) return quote;
    p = quote + 1;
  }
  return nullptr;
}

std::size_t escape_length(const char* backslash, const char* end) {
  if (end - backslash < 2) return 0;
  switch (backslash[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      return 2;
    case 'u':
      if (end - backslash < 6) return 0;
      for (int k = 2; k < 6; ++k) {
        if (!is_hex_digit(backslash[k])) return 0;
      }
      return 6;
    default:
      return 0;
  }
}

bool has_valid_escapes(std::string_view contents) {
  const char* p = contents.data();
  const char* const end = p + contents.size();
  while (p < end) {
    const auto* slash = static_cast<const char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (slash == nullptr) return true;
    const std::size_t length = escape_length(slash, end);
    if (length == 0) return false;
    p = slash + length;
  }
  return true;
}

bool is_valid_json_scalar(std::string_view token, bool may_have_escapes) {
  if (token.empty()) return false;
  switch (token.front()) {
    case '"': return is_json_string(token, may_have_escapes);
    case 't': return token == "true";
    case 'f': return token == "false";
    case 'n': return token == "null";
    default: return is_json_number(token);
  }
}

char* compact_json(const char* begin, const char* end, char* out) {
  const char* p = begin;
  while (p < end) {
    const char c = *p;
    if (c == '"') {
      const char* close = find_string_end(p + 1, end);
      const char* stop = close == nullptr ? end : close + 1;
      std::memcpy(out, p, static_cast<std::size_t>(stop - p));
      out += stop - p;
      p = stop;
      continue;
    }
    if (!is_json_whitespace(c)) *out++ = c;
    ++p;
  }
  return out;
}

}  // namespace cw::transform
