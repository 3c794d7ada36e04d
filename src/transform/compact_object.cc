#include "transform/compact_object.h"

#include <cstring>

#include "common/json_specials.h"
#include "transform/json_text.h"

namespace cw::transform {
namespace {

// Deeper lines are left to the general path, which allows more.
constexpr int kMaxDepth = 64;

// Walks the text once; every method leaves `p_` just past what it accepted
// and returns false at the first thing it does not vouch for.
class Scanner {
 public:
  Scanner(const char* begin, const char* end) : p_(begin), end_(end) {}

  const char* position() const { return p_; }
  bool at(char c) const { return p_ < end_ && *p_ == c; }
  bool eat(char c) {
    if (!at(c)) return false;
    ++p_;
    return true;
  }
  bool at_end() const { return p_ == end_; }

  // At the opening quote. `escaped` tells whether the string had a backslash.
  bool string(bool* escaped) {
    ++p_;
    *escaped = false;
    for (;;) {
      if (!find_special()) return false;
      const char c = *p_;
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\') return false;  // a raw control character
      const std::size_t length = escape_length(p_, end_);
      if (length == 0) return false;
      *escaped = true;
      p_ += length;
    }
  }

  bool value(int depth) {
    if (p_ == end_) return false;
    bool escaped = false;
    switch (*p_) {
      case '"': return string(&escaped);
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

 private:
  // Moves to the next '"', '\\' or control character; false if there is none.
  bool find_special() {
    while (end_ - p_ >= 16) {
      const std::uint32_t mask = json_specials16(p_);
      if (mask != 0) {
        p_ += __builtin_ctz(mask);
        return true;
      }
      p_ += 16;
    }
    while (p_ < end_ && !is_json_string_special(static_cast<unsigned char>(*p_))) ++p_;
    return p_ < end_;
  }

  bool object(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (eat('}')) return true;
    for (;;) {
      bool escaped = false;
      if (!at('"') || !string(&escaped) || !eat(':') || !value(depth)) return false;
      if (eat('}')) return true;
      if (!eat(',')) return false;
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p_;
    if (eat(']')) return true;
    for (;;) {
      if (!value(depth)) return false;
      if (eat(']')) return true;
      if (!eat(',')) return false;
    }
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // What follows the number is checked by the caller, so "01" or "1.5.5"
  // fail there.
  bool number() {
    const char* const number_end = json_number_end(p_, end_);
    if (number_end == nullptr) return false;
    p_ = number_end;
    return true;
  }

  const char* p_;
  const char* const end_;
};

// Appends the fields [start, end) to the object being written at `out`.
char* copy_run(const char* out, char* w, const char* start, const char* end) {
  if (start == nullptr) return w;
  if (w != out + 1) *w++ = ',';
  std::memcpy(w, start, static_cast<std::size_t>(end - start));
  return w + (end - start);
}

}  // namespace

bool rewrite_compact_object(std::string_view line, const FieldRules& rules, char* out,
                            RewrittenObject* result) {
  Scanner in(line.data(), line.data() + line.size());
  if (!in.eat('{')) return false;
  char* w = out;
  *w++ = '{';
  result->timestamp_token = {};
  // Kept fields next to each other are copied as one run, commas included.
  const char* run_start = nullptr;
  const char* run_end = nullptr;
  if (!in.eat('}')) {
    for (;;) {
      const char* const field_start = in.position();
      bool key_escaped = false;
      // Escaped names must be compared unescaped: the general path does that.
      if (!in.at('"') || !in.string(&key_escaped) || key_escaped) return false;
      const std::string_view name(field_start + 1, static_cast<std::size_t>(in.position() - field_start - 2));
      if (!in.eat(':')) return false;
      const char* const value_start = in.position();
      bool value_escaped = false;
      const bool is_string = in.at('"');
      if (!(is_string ? in.string(&value_escaped) : in.value(1))) return false;
      const char* const field_end = in.position();
      const bool special = rules.may_be_special(name);
      if (special && name == rules.timestamp_field) {
        if (value_escaped) return false;
        result->timestamp_token = std::string_view(value_start, static_cast<std::size_t>(field_end - value_start));
      }
      if (special && is_excluded(name, rules)) {
        w = copy_run(out, w, run_start, run_end);
        run_start = nullptr;
      } else {
        if (run_start == nullptr) run_start = field_start;
        run_end = field_end;
      }
      if (in.eat('}')) break;
      if (!in.eat(',')) return false;
    }
  }
  if (!in.at_end()) return false;
  w = copy_run(out, w, run_start, run_end);
  *w++ = '}';
  result->message_size = static_cast<std::size_t>(w - out);
  return true;
}

}  // namespace cw::transform
