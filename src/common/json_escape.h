#pragma once
// Appends text as the inside of a JSON string literal (no surrounding quotes).
// Input must be valid UTF-8: only '"', '\\' and control characters are escaped,
// so multi-byte characters pass through unchanged and the size stays close to
// the input's.

#include <string>
#include <string_view>

namespace cw {

void append_json_escaped(std::string& out, std::string_view utf8);

}  // namespace cw
