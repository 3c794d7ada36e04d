#pragma once
// JSON string escaping, the inside of a literal (no surrounding quotes).
// Input must be valid UTF-8: only '"', '\\' and control characters are escaped,
// so multi-byte characters pass through unchanged and the size stays close to
// the input's. '"' and '\\' become \" and \\; \n \r \t \b \f take their short
// forms and the other bytes below 0x20 \u00xx (lower-case hex). The output is
// the same byte for byte on every CPU; only the speed differs (AVX-512 VBMI2
// where the CPU has it, chosen at first call).

#include <cstddef>
#include <string>
#include <string_view>

namespace cw {

// Bytes write_json_escaped may touch for `size` input bytes: at most 6 bytes
// of output per input byte, and vector stores reach up to 400 bytes past the
// last byte written.
constexpr std::size_t json_escaped_room(std::size_t size) { return 6 * size + 400; }

// Writes `utf8` escaped at `dst`, which has json_escaped_room(utf8.size())
// bytes; returns the end of what was written.
char* write_json_escaped(char* dst, std::string_view utf8);

void append_json_escaped(std::string& out, std::string_view utf8);

// Bytes `c` takes once escaped by the rules above: for a caller that must
// know where a cut falls before it escapes.
constexpr std::size_t json_escaped_size(unsigned char c) {
  if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') return 2;
  return c < 0x20 ? 6 : 1;
}

}  // namespace cw
