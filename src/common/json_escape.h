#pragma once
// Appends text as the inside of a JSON string literal (no surrounding quotes).
// Input must be valid UTF-8: only '"', '\\' and control characters are escaped,
// so multi-byte characters pass through unchanged and the size stays close to
// the input's. '"' and '\\' become \" and \\; \n \r \t \b \f take their short
// forms and the other bytes below 0x20 \u00xx (lower-case hex). The output is
// the same byte for byte on every CPU; only the speed differs (AVX-512 VBMI2
// where the CPU has it, chosen at first call). The fast path writes into
// `out` directly, so it may grow its capacity by up to twice the input (+ a
// few hundred bytes) beyond what the result needs.

#include <string>
#include <string_view>

namespace cw {

void append_json_escaped(std::string& out, std::string_view utf8);

}  // namespace cw
