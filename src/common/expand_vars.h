#pragma once
// ${NAME} and ${NAME:-DEFAULT} in a text, as python-dotenv expands them:
// NAME's value, else DEFAULT when NAME is unset (a set but empty NAME stays
// empty), else "". NAME runs to the first ':' or '}', DEFAULT to the first
// '}' (no nesting). Only the braced forms: a lone '$', "$NAME" and an
// unclosed "${" stay as written.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cw {

using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

std::string expand_vars(std::string_view text, const VariableLookup& lookup);

}  // namespace cw
