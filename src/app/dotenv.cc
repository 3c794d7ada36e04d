#include "app/dotenv.h"

#include <algorithm>

#include "common/text.h"

namespace cw::app {
namespace {

std::string unquote_double(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) {
      const char next = body[++i];
      out += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next;
    } else {
      out += body[i];
    }
  }
  return out;
}

}  // namespace

std::map<std::string, std::string> parse_dotenv(std::string_view text, const VariableLookup& environment) {
  std::map<std::string, std::string> values;
  const VariableLookup lookup = [&](std::string_view name) -> std::optional<std::string> {
    if (environment) {
      if (auto value = environment(name)) return value;
    }
    if (auto it = values.find(std::string(name)); it != values.end()) return it->second;
    return std::nullopt;
  };
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    if (key.empty()) continue;
    if (value.size() >= 2 && value.front() == '\'' && value.find('\'', 1) != std::string_view::npos) {
      values[key] = std::string(value.substr(1, value.find('\'', 1) - 1));
    } else if (value.size() >= 2 && value.front() == '"') {
      std::size_t close = 1;
      while (close < value.size() && value[close] != '"') close += value[close] == '\\' ? 2 : 1;
      close = std::min(close, value.size());
      values[key] = expand_vars(unquote_double(value.substr(1, close - 1)), lookup);
    } else {
      if (const auto hash = value.find(" #"); hash != std::string_view::npos) value = trim(value.substr(0, hash));
      values[key] = expand_vars(value, lookup);
    }
  }
  return values;
}

}  // namespace cw::app
