#include "json_scanner.h"

#include <limits>

namespace cw::testing {
namespace {

constexpr int kMaxDepth = 64;

std::size_t utf8_length(std::uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

char JsonScanner::next() {
  if (p_ == end_) throw Malformed("unexpected end of the JSON body");
  return *p_++;
}

bool JsonScanner::accept(char c) {
  while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  if (p_ != end_ && *p_ == c) {
    ++p_;
    return true;
  }
  return false;
}

void JsonScanner::expect(char c) {
  if (!accept(c)) throw Malformed(std::string("expected '") + c + "' in the JSON body");
}

bool JsonScanner::at_end() {
  accept(' ');
  return p_ == end_;
}

std::uint32_t JsonScanner::hex4() {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = next();
    value <<= 4;
    if (c >= '0' && c <= '9') value |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') value |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') value |= static_cast<std::uint32_t>(c - 'A' + 10);
    else throw Malformed("bad \\u escape");
  }
  return value;
}

StringInfo JsonScanner::string(std::string* unescaped) {
  expect('"');
  StringInfo info;
  const char* start = p_;
  for (;;) {
    // The plain run up to the next quote, backslash or control byte: the hot loop.
    const char* run = p_;
    while (p_ != end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"' || c == '\\' || c < 0x20) break;
      ++p_;
    }
    info.unescaped_bytes += static_cast<std::size_t>(p_ - run);
    if (unescaped) unescaped->append(run, p_);
    const char c = next();
    if (c == '"') break;
    if (c != '\\') throw Malformed("control character in a JSON string");
    const char e = next();
    std::uint32_t cp = 0;
    switch (e) {
      case '"': case '\\': case '/': cp = static_cast<std::uint32_t>(e); break;
      case 'b': cp = '\b'; break;
      case 'f': cp = '\f'; break;
      case 'n': cp = '\n'; break;
      case 'r': cp = '\r'; break;
      case 't': cp = '\t'; break;
      case 'u':
        cp = hex4();
        if (cp >= 0xDC00 && cp <= 0xDFFF) throw BadUnicode("lone low surrogate escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (next() != '\\' || next() != 'u') throw BadUnicode("high surrogate escape without its pair");
          const std::uint32_t low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) throw BadUnicode("high surrogate escape without its pair");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        break;
      default: throw Malformed("bad escape in a JSON string");
    }
    info.unescaped_bytes += utf8_length(cp);
    if (unescaped) append_utf8(*unescaped, cp);
  }
  info.raw = std::string_view(start, static_cast<std::size_t>(p_ - 1 - start));
  return info;
}

std::int64_t JsonScanner::integer() {
  accept(' ');
  const bool negative = accept('-');
  if (p_ == end_ || *p_ < '0' || *p_ > '9') throw Malformed("expected an integer");
  std::uint64_t value = 0;
  while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
    value = value * 10 + static_cast<std::uint64_t>(*p_++ - '0');
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      throw Malformed("integer out of range");
    }
  }
  if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) throw Malformed("expected an integer, got a fraction");
  return negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
}

void JsonScanner::skip_value(int depth) {
  if (depth > kMaxDepth) throw Malformed("JSON nested too deeply");
  accept(' ');
  if (p_ == end_) throw Malformed("unexpected end of the JSON body");
  const char c = *p_;
  if (c == '"') {
    string();
  } else if (c == '{') {
    ++p_;
    if (accept('}')) return;
    do {
      string();
      expect(':');
      skip_value(depth + 1);
    } while (accept(','));
    expect('}');
  } else if (c == '[') {
    ++p_;
    if (accept(']')) return;
    do {
      skip_value(depth + 1);
    } while (accept(','));
    expect(']');
  } else {
    for (const std::string_view word : {"true", "false", "null"}) {
      if (std::string_view(p_, static_cast<std::size_t>(end_ - p_)).starts_with(word)) {
        p_ += word.size();
        return;
      }
    }
    // A number: JSON's grammar loosely; the fields this matters for are read with integer().
    const char* start = p_;
    while (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '-' || *p_ == '+' || *p_ == '.' || *p_ == 'e' ||
                          *p_ == 'E')) {
      ++p_;
    }
    if (p_ == start) throw Malformed("unexpected character in the JSON body");
  }
}

}  // namespace cw::testing
