// A forward-only JSON reader over one buffer, just enough to validate a
// PutLogEvents body: it measures strings (unescaped UTF-8 length) without
// copying them, reads integers, and skips values it is not asked about.
// Malformed input throws Malformed; an escape that is not UTF-8 (a lone
// surrogate) throws BadUnicode. UTF-8 of the raw bytes is checked by the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cw::testing {

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct BadUnicode : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct StringInfo {
  std::string_view raw;           // between the quotes, escapes as written
  std::size_t unescaped_bytes = 0;
};

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  // Skips whitespace, then consumes `c` if it is next; returns whether it was.
  bool accept(char c);
  void expect(char c);
  bool at_end();  // after whitespace

  StringInfo string(std::string* unescaped = nullptr);  // expects the opening quote next
  std::int64_t integer();
  void skip_value(int depth = 0);

 private:
  char next();
  std::uint32_t hex4();

  const char* p_;
  const char* end_;
};

}  // namespace cw::testing
