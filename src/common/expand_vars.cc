#include "common/expand_vars.h"

namespace cw {

std::string expand_vars(std::string_view text, const VariableLookup& lookup) {
  std::string out;
  std::size_t i = 0;
  for (;;) {
    const std::size_t start = text.find("${", i);
    const std::size_t close = start == std::string_view::npos ? start : text.find('}', start + 2);
    if (close == std::string_view::npos) break;
    const std::string_view body = text.substr(start + 2, close - start - 2);
    const std::size_t colon = body.find(':');
    if (colon != std::string_view::npos && body.compare(colon, 2, ":-") != 0) {
      // Not a form python-dotenv knows (such as ${A:B}): kept as written.
      out.append(text.substr(i, close + 1 - i));
      i = close + 1;
      continue;
    }
    out.append(text.substr(i, start - i));
    if (const std::optional<std::string> value = lookup(body.substr(0, colon))) {
      out += *value;
    } else if (colon != std::string_view::npos) {
      out.append(body.substr(colon + 2));
    }
    i = close + 1;
  }
  out.append(text.substr(i));
  return out;
}

}  // namespace cw
